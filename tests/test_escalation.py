"""A reporter cannot approve, release, place, or edit another's story, by any admin URL or hand-made POST.

The reporter here is a staff user with only Django's add/change/view permissions on articles
and photos (and tags), the rights main gives them; the editorial roles replace this at merge.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.models import Article, Photo
from issues.models import Issue, Jump, Placement, Teaser
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    TeaserFactory,
    UserFactory,
)
from tests.admin_forms import article_form, inline_management

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    """A released issue with a page, a placement, a teaser and a jump, and a colleague's story."""
    issue = IssueFactory(date=datetime.date(2020, 12, 4), released=False)
    front = PageFactory(issue=issue, number=1)
    inside = PageFactory(issue=issue, number=2)
    colleague = UserFactory(username="maxiaoxuan", is_staff=True)
    theirs = ArticleFactory(headline="同事的稿件", reporter=colleague)
    placement = PlacementFactory(page=front, article=ArticleFactory(approved=True))
    Jump.objects.create(placement=placement, to_page=inside, after_paragraph=2)
    teaser = TeaserFactory(page=front, article=placement.article)
    return {"issue": issue, "page": front, "placement": placement, "teaser": teaser, "theirs": theirs}


DESK_MODELS = ["issues_issue", "issues_page", "issues_placement", "issues_teaser"]


@pytest.mark.parametrize("model", DESK_MODELS)
def test_reporter_cannot_open_the_issue_page_placement_or_teaser_admin(reporter_client, desk, model):  # noqa: F811
    obj = {"issues_issue": desk["issue"], "issues_page": desk["page"],
           "issues_placement": desk["placement"], "issues_teaser": desk["teaser"]}[model]
    for url in (
        reverse(f"admin:{model}_changelist"),
        reverse(f"admin:{model}_add"),
        reverse(f"admin:{model}_change", args=[obj.pk]),
        reverse(f"admin:{model}_delete", args=[obj.pk]),
        reverse(f"admin:{model}_history", args=[obj.pk]),
    ):
        assert reporter_client.get(url).status_code == 403, url


def test_reporter_cannot_release_an_issue_by_posting_the_form_by_hand(reporter_client, desk):  # noqa: F811
    issue = desk["issue"]
    data = {
        "date": "2020-12-04", "number": str(issue.number), "total_number": str(issue.total_number),
        "release_at_0": "2020-01-01", "release_at_1": "06:00:00",
        **inline_management("pages", total=0, initial=0),
    }
    response = reporter_client.post(reverse("admin:issues_issue_change", args=[issue.pk]), data)
    assert response.status_code == 403
    assert not Issue.objects.released().exists()
    assert reporter_client.post(reverse("admin:issues_issue_add"), {**data, "date": "2020-12-05"}).status_code == 403
    assert Issue.objects.count() == 1


def test_reporter_cannot_place_a_story_or_add_a_teaser_or_jump_by_hand(reporter_client, desk):  # noqa: F811
    mine = ArticleFactory(reporter=reporter_client.user)
    page = desk["page"]
    before = (Placement.objects.count(), Teaser.objects.count(), Jump.objects.count())
    page_post = {
        "issue": str(page.issue_id), "number": "1", "name": page.name, "slogans": "",
        **inline_management("placements", total=1), "placements-0-order": "1",
        "placements-0-article": str(mine.pk),
        **inline_management("teasers", total=1), "teasers-0-order": "1", "teasers-0-article": str(mine.pk),
    }
    assert reporter_client.post(reverse("admin:issues_page_change", args=[page.pk]), page_post).status_code == 403
    assert reporter_client.post(
        reverse("admin:issues_placement_add"), {"page": str(page.pk), "order": "1", "article": str(mine.pk)}
    ).status_code == 403
    assert reporter_client.post(
        reverse("admin:issues_teaser_add"), {"page": str(page.pk), "article": str(mine.pk), "order": "1"}
    ).status_code == 403
    assert reporter_client.post(
        reverse("admin:issues_placement_change", args=[desk["placement"].pk]),
        {"page": str(page.pk), "order": "1", "article": str(mine.pk), **inline_management("jump", total=0)},
    ).status_code == 403
    assert (Placement.objects.count(), Teaser.objects.count(), Jump.objects.count()) == before


def test_reporter_cannot_approve_their_own_story_by_posting_the_status(reporter_client):  # noqa: F811
    response = reporter_client.post(reverse("admin:articles_article_add"), article_form(status="approved"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT

    url = reverse("admin:articles_article_change", args=[article.pk])
    response = reporter_client.post(url, article_form(status="approved", known_version=str(article.version)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert 'name="status"' not in reporter_client.get(url).content.decode()


def test_reporter_cannot_file_a_story_under_someone_else(reporter_client, desk):  # noqa: F811
    colleague = desk["theirs"].reporter
    reporter_client.post(reverse("admin:articles_article_add"), article_form(reporter=str(colleague.pk)))
    assert Article.objects.get(headline="我区实行慢病全链条全周期闭环式管理").reporter == reporter_client.user


def test_reporter_cannot_edit_or_delete_a_colleagues_story(reporter_client, desk):  # noqa: F811
    theirs = desk["theirs"]
    url = reverse("admin:articles_article_change", args=[theirs.pk])

    page = reporter_client.get(url)
    # A colleague's draft is not theirs to open (NEWSROOM_REPORTERS_SEE_ALL_DRAFTS lets them read it).
    assert page.status_code in (302, 403, 404) or 'name="headline"' not in page.content.decode()
    response = reporter_client.post(url, article_form(headline="被改掉的标题", known_version=str(theirs.version)))
    assert response.status_code in (302, 403, 404)
    delete = reporter_client.post(reverse("admin:articles_article_delete", args=[theirs.pk]), {"post": "yes"})
    assert delete.status_code in (302, 403, 404)
    assert Article.objects.filter(pk=theirs.pk).exists()
    theirs.refresh_from_db()
    assert theirs.headline == "同事的稿件"


def test_reporter_cannot_attach_a_photo_to_a_colleagues_story_or_change_theirs(reporter_client, desk):  # noqa: F811
    theirs = desk["theirs"]
    their_photo = PhotoFactory(article=theirs, caption="同事的图片说明")
    from tests.admin_forms import jpeg

    response = reporter_client.post(
        reverse("admin:articles_photo_add"),
        {"article": str(theirs.pk), "image": jpeg(), "caption": "塞进别人稿件的图", "credit": "", "order": "1"},
    )
    assert response.status_code == 200  # the form refuses the article as not a valid choice
    assert not Photo.objects.filter(caption="塞进别人稿件的图").exists()
    response = reporter_client.post(
        reverse("admin:articles_photo_change", args=[their_photo.pk]),
        {"article": str(theirs.pk), "caption": "改掉的说明", "credit": "", "order": "1"},
    )
    # A colleague's draft photo is not even listed to them now (the photo admin's queryset).
    assert response.status_code in (302, 403, 404)
    their_photo.refresh_from_db()
    assert their_photo.caption == "同事的图片说明"


def test_reporter_still_edits_their_own_story(reporter_client):  # noqa: F811
    mine = ArticleFactory(reporter=reporter_client.user, headline="我的稿件")
    url = reverse("admin:articles_article_change", args=[mine.pk])
    response = reporter_client.post(url, article_form(headline="我的稿件（改）", known_version=str(mine.version)))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.headline == "我的稿件（改）"


def test_even_an_editor_cannot_approve_by_posting_the_status_field(client, desk):
    """Approval is a review step with its log entry (articles.services), never a form field."""
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=["change_article", "view_article", "review_article", "approve_article"],
        )
    )
    client.force_login(editor)
    theirs = desk["theirs"]
    client.post(
        reverse("admin:articles_article_change", args=[theirs.pk]),
        article_form(status="approved", reporter=str(theirs.reporter_id), known_version=str(theirs.version)),
    )
    theirs.refresh_from_db()
    assert theirs.status != Article.Status.APPROVED


def test_anonymous_visitors_are_sent_to_the_login_for_every_admin_url(client, desk):
    for name in ("articles_article", *DESK_MODELS):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
