import datetime

import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import EDITOR
from issues.services import jump_create, placement_create
from tests.factories import ArticleFactory, IssueFactory, PageFactory, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreleased():
    issue = IssueFactory(date=datetime.date(2999, 12, 4), release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻")
    inside = PageFactory(issue=issue, number=2, name="综合新闻")
    story = ArticleFactory(approved=True, headline="已审定的头条")
    jump_create(placement=placement_create(page=front, article=story), to_page=inside, after_paragraph=2)
    placement_create(page=front, article=ArticleFactory(status=Article.Status.FIRST_PASSED, headline="还在审的稿件"))
    return issue


def preview_url(issue, number):
    return reverse("issues:page-preview", kwargs={"date": issue.date, "number": number})


def test_preview_shows_the_page_as_readers_will_marked_and_unapproved_stories_flagged(client, unreleased):
    client.force_login(role_user(EDITOR))

    response = client.get(preview_url(unreleased, 1))

    content = response.content.decode()
    assert response.status_code == 200
    assert "预览" in content and "已审定的头条" in content
    assert "还在审的稿件" in content and "未审定（初审通过）" in content
    # The jump line leads to the next page's preview, not to a public 404.
    assert f'href="{preview_url(unreleased, 2)}#article-' in content


def test_preview_is_never_cached_and_not_indexed(client, unreleased):
    client.force_login(role_user(EDITOR))

    response = client.get(preview_url(unreleased, 1))

    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_preview_of_a_missing_page_is_404(client, unreleased):
    client.force_login(role_user(EDITOR))
    assert client.get(preview_url(unreleased, 7)).status_code == 404


def test_public_page_of_a_released_issue_has_no_preview_marks(client, front_story):
    page = front_story.placements.get().page
    content = client.get(page.get_absolute_url()).content.decode()
    assert "预览" not in content and "noindex" not in content
