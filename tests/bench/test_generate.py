import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article, Photo
from bench.generate import generate, last_released_date, publication_dates
from issues.models import Issue, Jump, Page, Placement, Teaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return generate(
        years=0.1, pages=4, stories=(2, 3), end=datetime.date(2020, 12, 31), progress=False, stdout=io.StringIO()
    )


def test_generate_makes_about_300_issues_a_year_of_pages_and_stories(archive):
    assert archive["issues"] == 30 == Issue.objects.count()
    assert Page.objects.count() == 30 * 4
    assert 30 * 4 * 2 <= Article.objects.count() <= 30 * 4 * 3
    assert Issue.objects.latest("date").date == datetime.date(2020, 12, 31)
    assert not Issue.objects.filter(date__week_day=1).exists()  # no Sunday paper


def test_generate_publishes_everything_it_makes(archive):
    assert Issue.objects.released().count() == Issue.objects.count()
    assert Article.objects.published().count() == Article.objects.count()


def test_generated_jumps_continue_on_a_later_page_of_the_same_issue_where_the_story_is_placed(archive):
    jumps = Jump.objects.select_related("placement__page", "placement__article", "to_page")
    assert jumps.count() >= 30 * 2
    for jump in jumps:
        assert jump.to_page.issue_id == jump.placement.page.issue_id
        assert jump.to_page.number > jump.placement.page.number
        assert 1 <= jump.after_paragraph <= len(jump.placement.article.paragraphs)
        assert Placement.objects.filter(page=jump.to_page, article=jump.placement.article_id).exists()
    assert jumps.filter(to_page__number=4).exists()  # some go on 1 → 2 → 4


def test_generated_teasers_point_at_stories_inside_the_same_issue(archive):
    for teaser in Teaser.objects.select_related("page"):
        assert teaser.page.number == 1
        assert Placement.objects.filter(page__issue=teaser.page.issue_id, page__number__gt=1, article=teaser.article_id).exists()


def test_generated_photos_point_at_real_image_files(archive, media_root):
    photo = Photo.objects.filter(article__isnull=False).first()
    assert (media_root / photo.image.name).stat().st_size > 0
    assert Placement.objects.filter(photo__isnull=False).count() == 30  # photo news, one an issue


def test_generated_archive_reads_with_jump_lines_and_teasers(client, archive):
    jump = Jump.objects.filter(to_page__number=2).select_related("placement__page__issue", "to_page").first()
    front = client.get(jump.placement.page.get_absolute_url()).content.decode()
    assert "(下转第二版)" in front and "▶ 详见" in front
    assert "(上接第一版)" in client.get(jump.to_page.get_absolute_url()).content.decode()
    assert client.get(reverse("issues:archive"), {"year": 2020}, follow=True).status_code == 200


def test_generate_adds_to_an_existing_archive_without_taking_its_dates(archive):
    first = Issue.objects.order_by("date").first()
    again = generate(years=0.01, pages=2, stories=(1, 1), end=datetime.date(2020, 12, 31), progress=False, stdout=io.StringIO())
    assert again["issues"] == 3
    added = Issue.objects.filter(total_number__gt=30)
    assert added.count() == 3 and Issue.objects.count() == 33
    assert all(issue.date < first.date for issue in added)


def test_publication_dates_skip_sundays_holidays_and_taken_days():
    dates = publication_dates(end=datetime.date(2020, 10, 9), count=3, taken={datetime.date(2020, 10, 9)})
    # 10-09 taken, 10-01…10-07 National Day, 10-04 a Sunday anyway
    assert dates == [datetime.date(2020, 9, 29), datetime.date(2020, 9, 30), datetime.date(2020, 10, 8)]


def test_generated_archive_is_searchable_and_served_by_the_api(client, archive):
    """The index is written with the rows: bulk_create sends no signals to keep it in step."""
    article = Article.objects.published().order_by("pk").first()
    word = re.search(r"[\u4e00-\u9fff]{2}", article.headline).group()  # two Chinese characters of its headline
    found = client.get(reverse("articles:search"), {"q": word}).content.decode()
    assert "search-result__headline" in found, word

    listing = client.get("/api/v1/articles")
    assert listing.status_code == 200
    assert all(item["issue_date"] for item in listing.json()["items"])


@pytest.mark.parametrize(
    "shanghai, newest",
    [("00:30", "2026-11-30"), ("05:59", "2026-11-30"), ("06:00", "2026-12-01"), ("23:59", "2026-12-01")],
)
def test_the_archive_ends_with_the_latest_paper_already_out_at_any_hour(shanghai, newest):
    hour, minute = map(int, shanghai.split(":"))
    now = datetime.datetime(2026, 12, 1, hour, minute, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

    assert last_released_date(now).isoformat() == newest


@pytest.mark.parametrize("shanghai", [(0, 30), (1, 36), (5, 59)])
def test_the_one_issue_pass_has_a_front_page_in_the_small_hours(client, db, shanghai):
    """bench/run's one-issue pass (--years 1/300) at night, before 06:00 releases today's paper."""
    with time_machine.travel(datetime.datetime(2026, 12, 1, *shanghai, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))):
        generate(years=1 / 300, progress=False)
        response = client.get("/")

    assert Issue.objects.count() == 1
    assert response.status_code == 200
