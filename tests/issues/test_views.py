import datetime

import pytest
from django.urls import reverse

from articles.models import Article
from issues.services import jump_create, placement_create, teaser_create
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def page_url(page) -> str:
    return reverse("issues:page-detail", kwargs={"date": page.issue.date, "number": page.number})


def build_issue(*, released=True, date=None, pages=4):
    issue = IssueFactory(released=released, **({"date": date} if date else {}))
    names = ["要闻", "综合新闻", "专题新闻", "社会", "文体", "副刊"]
    return issue, [PageFactory(issue=issue, number=n, name=names[n - 1]) for n in range(1, pages + 1)]


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


def test_archive_groups_by_month_newest_first_and_switches_year(client):
    build_issue(date=datetime.date(2019, 5, 1))
    build_issue(date=datetime.date(2020, 11, 30))
    build_issue(date=datetime.date(2020, 12, 3))

    content = client.get(reverse("issues:archive")).content.decode()
    assert content.index("2020年12月") < content.index("2020年11月")
    assert "/2019-05-01/" not in content

    older = client.get(reverse("issues:archive"), {"year": 2019}).content.decode()
    assert "/2019-05-01/" in older


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
    ],
)
def test_bad_dates_pages_and_ids_are_404(client, url):
    build_issue(date=datetime.date(2020, 12, 3))
    assert client.get(url).status_code == 404


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

    assert photo.image.url in content
    assert "区领导在项目现场督查。" in content and "记者 左燕" in content


def test_jump_across_two_pages_links_both_ways_and_splits_the_text(client):
    _issue, (front, second, *_) = build_issue()
    story = ArticleFactory(approved=True)
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
    _issue, (front, second, _third, fourth) = build_issue()
    story = ArticleFactory(approved=True)
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

    _issue, (front, second, *_) = build_issue()
    _other, (other_front, other_second, *_) = build_issue()
    placement = placement_create(page=second, article=ArticleFactory(approved=True))
    with pytest.raises(ValidationError):
        jump_create(placement=placement, to_page=other_second, after_paragraph=2)
    with pytest.raises(ValidationError):
        jump_create(placement=placement, to_page=front, after_paragraph=2)


def test_teaser_to_one_page_reads_see_page_two_and_links_there(client):
    _issue, (front, second, *_) = build_issue()
    story = placement_create(page=second, article=ArticleFactory(approved=True, headline="我区实行慢病闭环式管理")).article
    teaser_create(page=front, article=story, label="综合新闻")

    content = client.get(page_url(front)).content.decode()

    assert "▶ 详见二版" in content
    assert "我区实行慢病闭环式管理" in content
    assert f'href="{page_url(second)}#article-{story.pk}"' in content


def test_teaser_to_two_pages_reads_see_pages_two_and_three(client):
    _issue, (front, second, third, _fourth) = build_issue()
    story = ArticleFactory(approved=True, headline="一图读懂全会精神")
    placement_create(page=second, article=story)
    placement_create(page=third, article=story)
    teaser_create(page=front, article=story, label="要闻")

    content = client.get(page_url(front)).content.decode()

    assert "▶ 详见二、三版" in content


def test_teaser_reads_in_english_when_the_reader_chose_english(client):
    _issue, (front, second, third, _fourth) = build_issue()
    story = ArticleFactory(approved=True)
    placement_create(page=second, article=story)
    placement_create(page=third, article=story)
    teaser_create(page=front, article=story)
    client.post(reverse("set_language"), {"language": "en"})

    content = client.get(page_url(front)).content.decode()

    assert "▶ See pages 2 and 3" in content
    assert "Page 1" in content


def test_teaser_to_an_unapproved_story_is_not_shown(client):
    _issue, (front, second, *_) = build_issue()
    story = ArticleFactory(headline="还在审的稿件")
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


# --- Articles -----------------------------------------------------------------------------------


def test_article_shows_the_whole_text_tags_and_the_pages_it_ran_on(client):
    _issue, (front, second, *_) = build_issue()
    story = ArticleFactory(approved=True)
    story.tags.add("两个加快", "金科园")
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


def fill_archive(issues: int) -> None:
    for n in range(issues):
        _issue, (front, second, third, _fourth) = build_issue(date=datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
        front.editor = second.editor = UserFactory(first_name="值班编辑")
        front.save()
        second.save()
        story = ArticleFactory(approved=True)
        jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=3)
        PhotoFactory(article=story)
        teaser_create(page=front, article=placement_create(page=third, article=ArticleFactory(approved=True)).article)
        story.tags.add("要闻")


def latest_story():
    return Article.objects.published().order_by("-pk").first()


PUBLIC_VIEWS = {
    "front": (lambda: reverse("issues:front"), 7),
    "issue": (lambda: latest_story().placements.first().page.issue.get_absolute_url(), 7),
    # No teasers on this page, so no query for where they lead.
    "page-with-jump-in": (lambda: page_url(latest_story().placements.order_by("-page__number").first().page), 6),
    # The article, its photos, tags, corrections (更正) and the pages it ran on.
    "article": (lambda: latest_story().get_absolute_url(), 5),
    "archive": (lambda: reverse("issues:archive"), 2),
}


@pytest.mark.parametrize("issues", [1, 20])
@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_public_view_query_count_is_constant(client, django_assert_num_queries, issues, view):
    fill_archive(issues)
    url, queries = PUBLIC_VIEWS[view]
    url = url()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
