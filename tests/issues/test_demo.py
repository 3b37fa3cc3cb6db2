"""The demo paper a newcomer gets from bin/run: photos on its stories and photo news on a page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Photo
from issues.models import Placement

pytestmark = pytest.mark.django_db


def load_demo(tmp_path) -> None:
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))


def test_demo_paper_has_photos_on_stories_and_photo_news_and_loads_twice_the_same(tmp_path, client):
    load_demo(tmp_path)
    load_demo(tmp_path)

    released = {"placements__page__issue__release_at__isnull": False}
    story_photos = Photo.objects.filter(**{f"article__{key}": value for key, value in released.items()}).distinct()
    news = Photo.objects.get(article__isnull=True)
    assert story_photos.count() == 7  # four in the 2020 archive, three in the latest paper
    assert all(photo.caption and photo.credit and photo.renditions["sizes"] for photo in Photo.objects.all())
    assert Placement.objects.filter(photo=news).count() == 1
    assert not Article.objects.filter(**released).exclude(status=Article.Status.APPROVED).exists()
    # And the photo of tonight's story that went online first (网络首发).
    online = set(Photo.objects.filter(article__online_at__isnull=False))
    assert len(online) == 1
    assert set(Photo.objects.published()) == {*story_photos, news, *online}

    page = Placement.objects.get(photo=news).page
    content = client.get(page.get_absolute_url()).content.decode()
    assert news.caption in content
    story = story_photos.first().article
    assert story_photos.first().caption in client.get(story.get_absolute_url()).content.decode()


def test_demo_photos_open_in_the_admin_with_their_caption_correction(tmp_path, client):
    from django.contrib.auth import get_user_model

    load_demo(tmp_path)
    client.force_login(get_user_model().objects.get(username="editor"))

    for photo in Photo.objects.published():
        response = client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
        assert response.status_code == 200
        # Published: the caption changes only by correction, and the screen offers one.
        assert reverse("admin:articles_photo_correct", args=[photo.pk]) in response.content.decode()


def test_demo_puts_tonights_issue_on_the_desk_with_work_waiting_for_every_role(tmp_path, client):
    from django.contrib.auth import get_user_model

    from issues.models import Issue

    load_demo(tmp_path)
    load_demo(tmp_path)

    tonight = Issue.objects.get(release_at__isnull=True)
    # Made with its day's page plan: 四开八版 on weekdays, four pages at weekends.
    pages = [page.name for page in tonight.pages.all()]
    assert pages == (["要闻", "综合新闻", "周末", "副刊"] if tonight.date.isoweekday() > 5
                     else ["要闻", "综合新闻", "经济", "社会", "文化", "专题", "副刊", "体育·服务"])
    waiting = {
        "reporter": ["请补充检查覆盖的单位数量", "城区新增两处便民停车场"],
        "editor": ["待初审：1 篇", tonight.date.strftime("%Y")],
        "editor2": ["待二审：1 篇"],
        # Tonight's story, and the 校对 demo's story held by its open hits.
        "chief": ["待终审：2 篇"],
    }
    for username, texts in waiting.items():
        client.force_login(get_user_model().objects.get(username=username))
        home = client.get(reverse("admin:index")).content.decode()
        for text in texts:
            assert text in home, (username, text)


def test_demo_has_a_paper_out_this_morning_so_the_news_sitemap_and_home_page_show_it(tmp_path, client):
    from issues.demo.latest import STORIES, latest_paper_date
    from issues.models import Issue

    load_demo(tmp_path)
    load_demo(tmp_path)

    latest = Issue.objects.released().latest("date")
    assert latest.date == latest_paper_date()
    assert Article.objects.filter(headline=STORIES[0][1]).count() == 1  # loaded once
    news = client.get(reverse("sitemaps:news")).content.decode()
    for _page, headline, _paragraphs, _photo in STORIES:
        assert f"<news:title>{headline}</news:title>" in news
    home = client.get("/").content.decode()
    assert STORIES[0][1] in home
    # Tonight's approved story went online first: the news front lists it before tomorrow's paper.
    online = Article.objects.get(headline="全区新建十座口袋公园（演示稿件）")
    assert online.online_at is not None
    assert online.headline in client.get(reverse("articles:news")).content.decode()
    story = Article.objects.get(headline=STORIES[0][1])
    assert client.get(story.get_absolute_url()).content.decode().count("本报讯") == 1  # the dateline, once
    # The front-page story continues inside, and the inside page says where it came from.
    inside = client.get(latest.pages.get(number=2).get_absolute_url()).content.decode()
    assert "上接第一版" in inside


@pytest.mark.parametrize(
    ("shanghai_time", "expected"),
    [("2026-12-01 05:59", "2026-11-30"), ("2026-12-01 06:00", "2026-12-01"), ("2026-12-01 00:30", "2026-11-30")],
)
def test_the_latest_demo_paper_is_todays_only_once_it_is_out(settings, shanghai_time, expected):
    import datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    from issues.demo.latest import latest_paper_date

    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime.fromisoformat(shanghai_time).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert latest_paper_date().isoformat() == expected
def test_demo_has_a_budget_with_written_and_late_plans_and_an_overfull_page(tmp_path, client):
    from django.contrib.auth import get_user_model

    from articles.planning.models import StoryPlan
    from issues.models import Issue

    load_demo(tmp_path)
    load_demo(tmp_path)  # nothing twice

    tonight = Issue.objects.get(release_at__isnull=True)
    assert StoryPlan.objects.filter(issue_date=tonight.date).count() == 5
    client.force_login(get_user_model().objects.get(username="editor"))
    budget = client.get(reverse("admin:planning_storyplan_budget", args=[tonight.date.isoformat()])).content.decode()
    assert "重点工程冲刺年终目标" in budget and "budget-row--late" in budget
    assembly = client.get(reverse("admin:issues_issue_assembly", args=[tonight.pk])).content.decode()
    assert 'class="fit fit--over" id="fit-2"' in assembly
