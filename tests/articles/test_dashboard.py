"""The desk's home page (/admin/): each role sees what waits for them, in a fixed few queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_review_pass, article_send_back, article_submit
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory

pytestmark = pytest.mark.django_db

S = Article.Status


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def tonight_with_an_unapproved_story(headline: str = "未审定的头条"):
    issue = IssueFactory(date=datetime.date(2999, 12, 4), release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻")
    PlacementFactory(page=front, article=ArticleFactory(status=S.DRAFT, headline=headline))
    return issue


def test_reporter_home_shows_their_drafts_and_the_comment_on_a_story_sent_back(client, reporter, editor):
    ArticleFactory(reporter=reporter, headline="我的草稿")
    ArticleFactory(headline="别人的草稿")
    returned = ArticleFactory(reporter=reporter, headline="被退回的稿件")
    article_submit(article=returned, user=reporter)
    article_send_back(article=returned, user=editor, comment="请补充受访者姓名。")

    content = home(client, reporter)

    assert "我的草稿" in content and "别人的草稿" not in content
    assert "被退回的稿件" in content and "请补充受访者姓名。" in content
    assert "退回给我的：1 篇" in content and "我的草稿：1 篇" in content
    assert "今晚出版" not in content  # reporters do not assemble issues
    assert 'class="app-articles module' in content  # the app list is still there
    link = re.search(r'href="([^"]*status__exact=sent_back[^"]*)"', content).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert "被退回的稿件" in listed and "我的草稿" not in listed


def test_editor_home_counts_what_waits_for_their_reviews_and_shows_tonights_problems(client, reporter, editor):
    for headline in ("待初审一", "待初审二"):
        article_submit(article=ArticleFactory(reporter=reporter, headline=headline), user=reporter)
    ArticleFactory(status=S.FIRST_PASSED)
    issue = tonight_with_an_unapproved_story()

    content = home(client, editor)

    assert "?waiting=first_review" in content and "待初审：2 篇" in content
    assert "?waiting=second_review" in content and "待二审：1 篇" in content
    assert reverse("admin:issues_issue_assembly", args=[issue.pk]) in content
    assert "《未审定的头条》尚未审定" in content
    assert "待签发" not in content  # sign-off is the chief's


def test_editor_home_leaves_out_a_story_whose_first_review_they_took(client, reporter, editor):
    article = ArticleFactory(reporter=reporter)
    article_submit(article=article, user=reporter)
    article_review_pass(article=article, user=editor)

    content = home(client, editor)

    assert "待二审：0 篇" in content


def test_chief_home_shows_final_approval_waiting_pages_to_sign_off_and_the_next_release(client, chief):
    ArticleFactory(status=S.SECOND_PASSED)
    ArticleFactory(status=S.SUBMITTED)
    tonight_with_an_unapproved_story()
    IssueFactory(date=datetime.date(2999, 12, 5), release_at=timezone.now() + datetime.timedelta(hours=3))

    content = home(client, chief)

    assert "?waiting=approve" in content and "待终审：1 篇" in content
    assert "待初审" not in content  # the chief's queue is 终审
    assert "待签发：1 个版面" in content and "第一版" in content
    assert "已定于" in content


@pytest.mark.parametrize("role", ["reporter", "editor", "chief"])
def test_home_page_query_count_does_not_grow_with_stories(client, request, role):
    user = request.getfixturevalue(role)

    def queries() -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    front = tonight_with_an_unapproved_story().pages.get()
    ArticleFactory(reporter=user)
    few = queries()
    for n in range(5):
        ArticleFactory(reporter=user, headline=f"草稿{n}")
        ArticleFactory(status=S.SECOND_PASSED)
        PlacementFactory(page=front, article=ArticleFactory(status=S.SUBMITTED))
    assert queries() == few
