import datetime
import json
import re

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from issues.models import Jump
from issues.services import jump_create, placement_create, teaser_create
from tests.factories import (
    ArticleFactory,
    HotZoneFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    png_bytes,
)
from tests.helpers import (
    assembling, build_issue, contrast_on_white, credit_archive_story, fill_archive, latest_story, page_url,
)

pytestmark = pytest.mark.django_db


# --- The publication rule on every public view ------------------------------------------------


def test_front_page_shows_the_latest_released_issue_not_a_later_unreleased_one(client):
    released, (front, *_) = build_issue(date=datetime.date(2020, 12, 3))
    story = PlacementFactory(page=front).article
    _hidden_issue, (hidden_front, *_) = build_issue(released=False, date=datetime.date(2020, 12, 4))
    hidden = PlacementFactory(page=hidden_front).article

    response = client.get(reverse("issues:front"))

    assert response.status_code == 200
    assert story.headline in response.content.decode()
    assert hidden.headline not in response.content.decode()
    assert "2020年12月3日" in response.content.decode()


def test_front_page_without_any_released_issue_says_so(client):
    build_issue(released=False)
    response = client.get(reverse("issues:front"))
    assert response.status_code == 404
    assert "还没有发布" in response.content.decode()


def test_unreleased_issue_and_its_pages_are_404(client):
    issue, (front, second, *_) = build_issue(released=False)
    PlacementFactory(page=front)
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get(page_url(second)).status_code == 404


def test_unapproved_story_is_absent_from_its_page_and_404_by_id(client):
    _issue, (front, *_) = build_issue()
    draft = PlacementFactory(page=front, article=ArticleFactory(status=Article.Status.DRAFT)).article
    approved = PlacementFactory(page=front).article

    content = client.get(page_url(front)).content.decode()

    assert approved.headline in content
    assert draft.headline not in content
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(approved.get_absolute_url()).status_code == 200


def test_approved_story_in_an_unreleased_issue_is_404(client):
    _issue, (front, *_) = build_issue(released=False)
    story = PlacementFactory(page=front).article
    assert client.get(story.get_absolute_url()).status_code == 404


def test_approved_story_never_placed_is_404(client):
    story = ArticleFactory(approved=True)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_archive_lists_released_issues_only(client):
    shown, _pages = build_issue(date=datetime.date(2020, 12, 3))
    hidden, _pages = build_issue(released=False, date=datetime.date(2020, 12, 4))

    content = client.get(reverse("issues:archive")).content.decode()

    assert shown.get_absolute_url() in content
    assert hidden.get_absolute_url() not in content


def test_archive_opens_at_the_latest_month_as_a_calendar_linking_days_with_an_issue(client):
    build_issue(date=datetime.date(2020, 11, 30))
    build_issue(date=datetime.date(2020, 12, 3))
    build_issue(date=datetime.date(2020, 12, 29))

    content = client.get(reverse("issues:archive")).content.decode()

    assert "往期回顾" in content and "2020年12月" in content
    assert 'href="/2020-12-03/"' in content and 'href="/2020-12-29/"' in content
    assert 'href="/2020-11-30/"' not in content
    # Days without an issue are plain numbers, not links.
    assert 'href="/2020-12-04/"' not in content
    assert f'href="{reverse("issues:archive-month", args=[2020, 11])}"' in content


def test_archive_month_and_year_form_goes_to_that_month(client):
    build_issue(date=datetime.date(2019, 5, 1))
    build_issue(date=datetime.date(2020, 12, 3))

    response = client.get(reverse("issues:archive"), {"year": 2019, "month": 5})
    assert response.status_code == 302
    assert response["Location"] == reverse("issues:archive-month", args=[2019, 5])
    content = client.get(response["Location"]).content.decode()
    assert 'href="/2019-05-01/"' in content and "/2020-12-03/" not in content
    # The form offers every year the paper has issues in.
    assert '<option value="2019"' in content and '<option value="2020"' in content


def test_archive_month_without_issues_points_at_the_nearest_ones(client):
    build_issue(date=datetime.date(2020, 1, 20))
    build_issue(date=datetime.date(2020, 5, 2))

    content = client.get(reverse("issues:archive-month", args=[2020, 3])).content.decode()

    assert "本月没有出版报纸" in content
    assert 'href="/2020-01-20/"' in content and 'href="/2020-05-02/"' in content


def test_archive_calendar_never_links_an_unreleased_issue(client):
    build_issue(date=datetime.date(2020, 12, 3))
    build_issue(released=False, date=datetime.date(2020, 12, 4))
    content = client.get(reverse("issues:archive-month", args=[2020, 12])).content.decode()
    assert "/2020-12-04/" not in content
    # The unreleased issue's month is not offered either.
    assert reverse("issues:archive-month", args=[2021, 1]) not in content


def test_date_picker_goes_to_that_days_issue(client):
    build_issue(date=datetime.date(2020, 12, 3))
    content = client.get(reverse("issues:front")).content.decode()
    assert 'type="date"' in content

    response = client.get(reverse("issues:date-jump"), {"date": "2020-12-03"})

    assert response.status_code == 302 and response["Location"] == "/2020-12-03/"
    assert client.get(reverse("issues:date-jump"), {"date": "tomorrow"}).status_code == 404


def test_issue_date_without_an_issue_is_a_404_listing_the_nearest_released_issues(client):
    build_issue(date=datetime.date(2020, 12, 1))
    build_issue(date=datetime.date(2020, 12, 5))
    build_issue(released=False, date=datetime.date(2020, 12, 4))

    for url in ("/2020-12-03/", "/2020-12-03/1/", "/2020-12-04/"):
        response = client.get(url)
        content = response.content.decode()
        assert response.status_code == 404
        assert 'href="/2020-12-01/"' in content and 'href="/2020-12-05/"' in content
        assert 'href="/2020-12-04/"' not in content


@pytest.mark.parametrize(
    "url",
    [
        "/2020-02-30/",  # no such day
        "/2020-13-01/",
        "/2020-12-03/0/",
        "/2020-12-03/100/",
        "/2020-12-03/7/",  # the issue has 4 pages
        "/2020-12-03/x/",
        "/1999-01-01/",  # no issue that day
        "/articles/0/",
        "/articles/999999/",
        "/articles/abc/",
        "/archive/?year=abc",
        "/archive/?year=1900",
        "/archive/?year=2020&month=13",
        "/archive/1900/01/",
        "/archive/2020/13/",
        "/archive/2020/0/",
        "/archive/99999/01/",
        "/go/?date=2020-02-30",
    ],
)
def test_bad_dates_pages_and_ids_are_404(client, url):
    build_issue(date=datetime.date(2020, 12, 3))
    # The archive's month form and the date picker redirect first; the reader lands on a 404.
    assert client.get(url, follow=True).status_code == 404


# --- Pages: stories in order, jumps both ways, teasers -----------------------------------------


def test_page_shows_its_name_numeral_and_stories_in_reading_order(client):
    _issue, (front, *_) = build_issue()
    first = PlacementFactory(page=front, order=1, article=ArticleFactory(approved=True, kicker="引题文字", subheadline="副题文字")).article
    second = PlacementFactory(page=front, order=2).article

    content = client.get(page_url(front)).content.decode()

    assert "第一版" in content and "要闻" in content
    assert content.index(first.headline) < content.index(second.headline)
    assert "引题文字" in content and "副题文字" in content and "马晓璇" in content


def test_page_shows_photos_with_caption_and_credit(client):
    _issue, (front, *_) = build_issue()
    story = PlacementFactory(page=front).article
    photo = PhotoFactory(article=story)

    content = client.get(page_url(front)).content.decode()

    assert photo.rendition_set.src in content
    assert 'type="image/webp"' in content
    assert "区领导在项目现场督查。" in content and "记者 左燕" in content


def test_jump_across_two_pages_links_both_ways_and_splits_the_text(client):
    issue, (front, second, *_) = build_issue()
    story = ArticleFactory(approved=True)
    with assembling(issue):
        jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=4)

    front_html = client.get(page_url(front)).content.decode()
    second_html = client.get(page_url(second)).content.decode()

    assert "(下转第二版)" in front_html
    assert f'href="{page_url(second)}#article-{story.pk}"' in front_html
    assert "第4段正文" in front_html and "第5段正文" not in front_html
    assert "(上接第一版)" in second_html
    assert f'href="{page_url(front)}#article-{story.pk}"' in second_html
    assert "第5段正文" in second_html and "第4段正文" not in second_html
    # The byline closes the story where it ends, not where it breaks off.
    assert "马晓璇" in second_html


def test_jump_across_three_pages_chains_1_to_2_to_4(client):
    issue, (front, second, _third, fourth) = build_issue()
    story = ArticleFactory(approved=True)
    with assembling(issue):
        jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=2)
        middle = story.placements.get(page=second)
        jump_create(placement=middle, to_page=fourth, after_paragraph=4)

    second_html = client.get(page_url(second)).content.decode()
    fourth_html = client.get(page_url(fourth)).content.decode()

    assert "(上接第一版)" in second_html and "(下转第四版)" in second_html
    assert "第3段正文" in second_html and "第4段正文" in second_html
    assert "第2段正文" not in second_html and "第5段正文" not in second_html
    assert "(上接第二版)" in fourth_html
    assert f'href="{page_url(second)}#article-{story.pk}"' in fourth_html
    assert "第5段正文" in fourth_html and "第6段正文" in fourth_html


def test_jump_must_stay_in_its_issue_and_go_forward():
    from django.core.exceptions import ValidationError

    _issue, (front, second, *_) = build_issue(released=None)
    _other, (other_front, other_second, *_) = build_issue(released=None)
    placement = placement_create(page=second, article=ArticleFactory(approved=True))
    with pytest.raises(ValidationError):
        jump_create(placement=placement, to_page=other_second, after_paragraph=2)
    with pytest.raises(ValidationError):
        jump_create(placement=placement, to_page=front, after_paragraph=2)


def test_teaser_to_one_page_reads_see_page_two_and_links_there(client):
    issue, (front, second, *_) = build_issue()
    with assembling(issue):
        story = placement_create(page=second, article=ArticleFactory(approved=True, headline="我区实行慢病闭环式管理")).article
        teaser_create(page=front, article=story, label="综合新闻")

    content = client.get(page_url(front)).content.decode()

    assert "▶ 详见二版" in content
    assert "我区实行慢病闭环式管理" in content
    assert f'href="{page_url(second)}#article-{story.pk}"' in content


def test_teaser_to_two_pages_reads_see_pages_two_and_three(client):
    issue, (front, second, third, _fourth) = build_issue()
    story = ArticleFactory(approved=True, headline="一图读懂全会精神")
    with assembling(issue):
        placement_create(page=second, article=story)
        placement_create(page=third, article=story)
        teaser_create(page=front, article=story, label="要闻")

    content = client.get(page_url(front)).content.decode()

    assert "▶ 详见二、三版" in content


def test_teaser_reads_in_english_when_the_reader_chose_english(client):
    issue, (front, second, third, _fourth) = build_issue()
    story = ArticleFactory(approved=True)
    with assembling(issue):
        placement_create(page=second, article=story)
        placement_create(page=third, article=story)
        teaser_create(page=front, article=story)
    client.get(reverse("switch-language", args=["en"]))

    content = client.get(page_url(front)).content.decode()

    assert "▶ See pages 2 and 3" in content
    assert "Page 1" in content


def test_teaser_to_an_unapproved_story_is_not_shown(client):
    issue, (front, second, *_) = build_issue()
    story = ArticleFactory(headline="还在审的稿件")
    with assembling(issue):
        placement_create(page=second, article=story)
        teaser_create(page=front, article=story)

    assert "还在审的稿件" not in client.get(page_url(front)).content.decode()


def test_page_lists_all_pages_and_links_to_previous_and_next_page_and_issue(client):
    earlier, _ = build_issue(date=datetime.date(2020, 12, 2))
    issue, (front, second, third, fourth) = build_issue(date=datetime.date(2020, 12, 3))
    later, _ = build_issue(date=datetime.date(2020, 12, 4))
    build_issue(released=False, date=datetime.date(2020, 12, 5))

    content = client.get(page_url(second)).content.decode()

    for page in (front, second, third, fourth):
        assert f'href="{page_url(page)}"' in content
    assert f'rel="prev" href="{page_url(front)}"' in content
    assert f'rel="next" href="{page_url(third)}"' in content
    assert f'href="{earlier.get_absolute_url()}"' in content
    assert f'href="{later.get_absolute_url()}"' in content
    assert "/2020-12-05/" not in content


# --- E-paper: the page image with hot zones -----------------------------------------------------


def test_page_with_an_image_shows_it_with_a_hot_zone_per_story_and_a_headline_list(client):
    issue = IssueFactory(date=datetime.date(2020, 12, 3))
    front = PageFactory(issue=issue, number=1, name="要闻", with_image=True)
    first = PlacementFactory(page=front, order=1, article=ArticleFactory(approved=True, headline="区委常委会集体调研"))
    second = PlacementFactory(page=front, order=2, article=ArticleFactory(approved=True, headline="慢病闭环式管理"))
    HotZoneFactory(placement=first, x=0.1, y=0.2, width=0.5, height=0.25)
    HotZoneFactory(placement=second, x=0.0, y=0.5, width=1.0, height=0.5)

    content = client.get(page_url(front)).content.decode()

    assert front.image_rendition_set.src in content
    assert 'type="image/webp"' in content and "srcset=" in content
    assert f'href="{first.article.get_absolute_url()}" aria-label="区委常委会集体调研"' in content
    assert '<rect x="100.0" y="200.0" width="500.0" height="250.0"' in content
    assert '<rect x="0.0" y="500.0" width="1000.0" height="500.0"' in content
    assert "本版标题" in content
    # The text of the stories still follows for reading on a phone.
    assert "第1段正文" in content


def test_hot_zone_of_an_unapproved_story_is_not_rendered(client):
    _issue, (front, *_) = build_issue()
    front.image = PageFactory.build(with_image=True).image
    front.save()
    draft = PlacementFactory(page=front, article=ArticleFactory(headline="还在审的稿件"))
    HotZoneFactory(placement=draft, x=0.1, y=0.1, width=0.2, height=0.2)

    content = client.get(page_url(front)).content.decode()

    assert draft.article.get_absolute_url() not in content
    assert "<rect" not in content and "还在审的稿件" not in content


def test_page_without_an_image_reads_as_the_story_list(client):
    _issue, (front, *_) = build_issue()
    story = PlacementFactory(page=front).article

    content = client.get(page_url(front)).content.decode()

    assert 'class="epaper' not in content and "<svg" not in content
    assert story.headline in content and "第6段正文" in content


def test_page_offers_its_pdf_for_download(client):
    from django.core.files.base import ContentFile

    _issue, (front, second, *_) = build_issue()
    second.pdf.save("page.pdf", ContentFile(b"%PDF-1.4 minimal"), save=True)

    assert f'href="{second.pdf.url}" download' in client.get(page_url(second)).content.decode()
    assert "PDF" not in client.get(page_url(front)).content.decode().split("</header>", 1)[1].split("page-nav")[0]


def test_page_nav_shows_thumbnails_of_the_issues_page_images(client):
    issue = IssueFactory()
    front = PageFactory(issue=issue, number=1, name="要闻", with_image=True)
    second = PageFactory(issue=issue, number=2, name="综合新闻", with_image=True)

    content = client.get(page_url(front)).content.decode()

    assert front.image_rendition_set.thumb_url in content
    assert second.image_rendition_set.thumb_url in content
    assert "版面导航" in content or "本期版面" in content
    # Sized as the page image's proportions, so the list does not jump while thumbnails load.
    image = front.image_rendition_set
    assert image.height_at(100) == round(image.height / image.width * 100) > 0
    assert f'width="100" height="{image.height_at(100)}"' in content


def test_page_image_of_an_unreleased_issue_is_never_linked(client):
    released = IssueFactory(date=datetime.date(2020, 12, 3))
    PageFactory(issue=released, number=1, with_image=True)
    hidden = IssueFactory(date=datetime.date(2020, 12, 4), released=False)
    hidden_page = PageFactory(issue=hidden, number=1, with_image=True)
    hidden_names = [hidden_page.image.name] + [
        name for size in hidden_page.image_renditions["sizes"] for name in (size["jpeg"], size["webp"])
    ]

    pages = [reverse("issues:front"), "/2020-12-03/", "/2020-12-03/1/", "/2020-12-04/", "/2020-12-04/1/", reverse("issues:archive")]
    for url in pages:
        content = client.get(url).content.decode()
        assert not any(name in content for name in hidden_names), url


def test_rendition_names_come_from_the_random_image_name_not_from_the_page(client):
    issue = IssueFactory()
    page = PageFactory(issue=issue, number=1, with_image=True)
    image = page.image.name.removeprefix("pages/")
    names = [size["jpeg"] for size in page.image_renditions["sizes"]]
    assert names == [f"pages/renditions/{image}-{size['width']}.jpg" for size in page.image_renditions["sizes"]]
    assert all(str(issue.date) not in name and "page" not in image for name in names)


# --- Articles -----------------------------------------------------------------------------------


def test_article_shows_the_whole_text_tags_and_the_pages_it_ran_on(client):
    issue, (front, second, *_) = build_issue()
    story = ArticleFactory(approved=True)
    story.tags.add("两个加快", "金科园")
    with assembling(issue):
        jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=3)

    content = client.get(story.get_absolute_url()).content.decode()

    assert "第1段正文" in content and "第6段正文" in content
    assert "两个加快" in content and "金科园" in content
    assert f'href="{page_url(front)}#article-{story.pk}"' in content
    assert f'href="{page_url(second)}#article-{story.pk}"' in content


def test_article_url_may_carry_a_slug(client):
    _issue, (front, *_) = build_issue()
    story = PlacementFactory(page=front).article
    response = client.get(reverse("articles:article-detail-slug", kwargs={"pk": story.pk, "slug": "任意"}))
    assert response.status_code == 200


# --- Query counts stay the same whatever the archive size --------------------------------------


PUBLIC_VIEWS = {
    # Front pages carry a page image: one more query for the hot zones of its published stories.
    # Pages with stories: one for their bylines' credits (articles.contributors).
    "front": (lambda: reverse("issues:front"), 9),
    "issue": (lambda: latest_story().placements.first().page.issue.get_absolute_url(), 9),
    # No teasers on this page, so no query for where they lead.
    "page-with-jump-in": (lambda: page_url(latest_story().placements.order_by("-page__number").first().page), 7),
    # The article, its photos, tags, corrections (更正), the pages it ran on and the issue's
    # stories in reading order (上一篇/下一篇).
    "article": (lambda: latest_story().get_absolute_url(), 7),  # + the byline's credits (articles.contributors)
    # The tag, how many stories carry it, one page of them.
    "tag": (lambda: reverse("articles:tag-detail", args=[Tag.objects.get(name="要闻").slug]), 3),
    "archive": (lambda: reverse("issues:archive"), 3),
    "archive-month": (lambda: reverse("issues:archive-month", args=[2019, 1]), 2),
}


@pytest.mark.parametrize("issues", [1, 20])
@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_public_view_query_count_is_constant(client, django_assert_num_queries, public_cache_off, issues, view):
    fill_archive(issues)
    url, queries = PUBLIC_VIEWS[view]
    url = url()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("issues", [1, 20])
def test_missing_issue_404_query_count_is_constant(client, django_assert_num_queries, issues):
    fill_archive(issues)
    with django_assert_num_queries(2):
        response = client.get("/2018-12-31/")
    assert response.status_code == 404


def fill_page(stories: int):
    """A front page with this many stories, each with a photo and tags, jumping to page 2 and teased."""
    issue, (front, second, third, _fourth) = build_issue()
    for n in range(stories):
        story = ArticleFactory(approved=True)
        story.tags.add("要闻", f"标签{n}")
        credit_archive_story(story)
        PhotoFactory(article=story)
        PhotoFactory(article=story)
        with assembling(issue):
            jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=3)
            inside = placement_create(page=third, article=ArticleFactory(approved=True)).article
            teaser_create(page=front, article=inside)
    return front, second, story


STORY_VIEWS = {
    "front": (lambda front, second, story: reverse("issues:front"), 8),  # + the bylines' credits
    "page-with-jumps-in": (lambda front, second, story: page_url(second), 7),
    "article": (lambda front, second, story: story.get_absolute_url(), 7),  # + the byline's credits
}


@pytest.mark.parametrize("stories", [2, 12])
@pytest.mark.parametrize("view", STORY_VIEWS)
def test_public_view_query_count_does_not_grow_with_stories_on_a_page(
    client, django_assert_num_queries, public_cache_off, stories, view
):
    url, queries = STORY_VIEWS[view]
    url = url(*fill_page(stories))
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if view != "article":
        assert response.content.decode().count('<article class="story') == stories


def test_a_jump_into_another_issue_left_by_an_old_bypass_reads_as_no_jump(client):
    issue, (front, *_) = build_issue()
    _other, (_hidden_front, hidden_second, *_) = build_issue(released=False)
    placement = PlacementFactory(page=front)
    # Written past the services, as the old placement form could.
    Jump.objects.create(placement=placement, to_page=hidden_second, after_paragraph=2)

    page = client.get(page_url(front))
    api = client.get(f"/api/v1/articles/{placement.article_id}")
    api_page = client.get(f"/api/v1/issues/{issue.date}/pages/1")

    assert page.status_code == api.status_code == api_page.status_code == 200
    assert "第6段正文" in page.content.decode() and "下转" not in page.content.decode()
    assert hidden_second.name not in api.content.decode()
    assert api.json()["printed"][0]["continued_on"] is None


def test_archive_arrows_skip_the_months_without_an_issue(client):
    build_issue(date=datetime.date(2019, 10, 8))
    build_issue(date=datetime.date(2020, 3, 2))
    build_issue(date=datetime.date(2020, 9, 30))

    content = client.get(reverse("issues:archive-month", args=[2020, 3])).content.decode()

    assert f'rel="prev" href="{reverse("issues:archive-month", args=[2019, 10])}"' in content
    assert f'rel="next" href="{reverse("issues:archive-month", args=[2020, 9])}"' in content
    assert reverse("issues:archive-month", args=[2020, 2]) not in content
    assert reverse("issues:archive-month", args=[2020, 4]) not in content


def test_archive_day_links_are_named_by_their_visible_text_with_the_month_before_it(client):
    issue, _pages = build_issue(date=datetime.date(2020, 12, 3))

    content = client.get(reverse("issues:archive-month", args=[2020, 12])).content.decode()

    # No aria-label replacing "3 第N期": a voice user says what they see, a screen reader hears the month too.
    link = content.split('href="/2020-12-03/"')[1].split("</a>")[0]
    assert "aria-label" not in link
    assert '<span class="visually-hidden">2020年12月 </span>3</span>' in link
    assert f"第{issue.number}期" in link


def test_archive_days_without_an_issue_are_readable_on_white():
    css = (settings.BASE_DIR / "static" / "css" / "newsroom.css").read_text()
    rule = re.search(r"\.calendar__day \{[^}]*color: ([^;]+);", css).group(1)
    colour = re.search(r"--muted: (#[0-9a-f]{3,6});", css).group(1) if rule == "var(--muted)" else rule
    assert contrast_on_white(colour) >= 4.5


def test_a_phone_is_offered_a_page_image_the_size_of_its_slot(client):
    _issue, (front, *_rest) = build_issue()
    front.image.save("page.png", ContentFile(png_bytes(1200, 1700)), save=True)

    content = client.get(page_url(front)).content.decode()

    img = re.search(r'<img class="epaper__image"[^>]*>', content).group(0)
    webp = re.search(r'<source type="image/webp" srcset="([^"]*)" sizes="([^"]*)">', content)
    for srcset in (re.search(r'srcset="([^"]*)"', img).group(1), webp.group(1)):
        assert [int(width) for width in re.findall(r" (\d+)w", srcset)] == [200, 480, 720, 1000, 1200]
    # On a phone the slot is the screen less the content's padding, not a 36rem column.
    assert webp.group(2).endswith("calc(100vw - 2rem)") and 'sizes="' + webp.group(2) + '"' in img
    assert 'fetchpriority="high"' in img


def test_an_issue_page_describes_itself_as_an_issue_of_the_periodical(client):
    issue, (front, *_rest) = build_issue(date=datetime.date(2020, 12, 3))

    content = client.get(page_url(front)).content.decode()

    (found,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    data = json.loads(found)
    assert data["@type"] == "PublicationIssue" and data["datePublished"] == "2020-12-03"
    assert data["issueNumber"] == str(issue.number) and data["url"] == "http://testserver/2020-12-03/"
    assert data["isPartOf"] == {
        "@type": "Periodical",
        "name": "金坛时报",
        "url": "http://testserver/",
        "publisher": {"@type": "Organization", "name": "金坛区融媒体中心"},
    }
