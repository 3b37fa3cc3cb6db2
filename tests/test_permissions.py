"""The permission matrix (docs/desk.md, "Roles"), cell by cell: each role does each thing through the admin, as a person would."""

import datetime

import pytest
from django.urls import reverse

from articles.models import Article, Photo
from articles.roles import CHIEF, EDITOR, REPORTER
from issues.models import Issue, Jump, Page, Placement, Teaser
from issues.services import placement_create
from tests.admin_forms import article_change_form
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    UserFactory,
    role_user,
)

pytestmark = pytest.mark.django_db

S = Article.Status
ROLES = ["reporter", "editor", "chief", "superuser"]


def make_user(role: str):
    if role == "superuser":
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    return role_user({"reporter": REPORTER, "editor": EDITOR, "chief": CHIEF}[role], username=role)


def other_article(**kwargs) -> Article:
    return ArticleFactory(reporter=UserFactory(username="someone"), **kwargs)


def workflow(client, article, action, comment="请补充采访对象。"):
    return client.post(
        reverse("admin:articles_article_workflow", args=[article.pk]), {"action": action, "comment": comment}
    )


def status_of(article) -> str:
    return Article.objects.get(pk=article.pk).status


def unreleased_issue_with_story():
    issue = IssueFactory(date=datetime.date(2999, 12, 4), release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻")
    PageFactory(issue=issue, number=2, name="综合新闻")
    placement = PlacementFactory(page=front, article=ArticleFactory(approved=True), order=1)
    return issue, front, placement


def assembly(client, issue, data):
    return client.post(reverse("admin:issues_issue_assembly", args=[issue.pk]), data)


# Each action does one thing through the admin and says whether it happened.


def file_article(client, user):
    client.post(reverse("admin:articles_article_add"), article_change_form(Article(headline="新稿件", body="<p>正文</p>"), known_version=""))
    return Article.objects.filter(headline="新稿件", reporter=user).exists()


def edit_own_draft(client, user):
    article = ArticleFactory(reporter=user)
    client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, headline="改过的标题"))
    return Article.objects.get(pk=article.pk).headline == "改过的标题"


def edit_others_draft(client, user):
    article = other_article()
    client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, headline="改过的标题"))
    return Article.objects.get(pk=article.pk).headline == "改过的标题"


def see_others_draft(client, user):
    article = other_article(headline="别人的草稿")
    listed = "别人的草稿" in client.get(reverse("admin:articles_article_changelist")).content.decode()
    opened = client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200
    assert listed == opened
    return listed


def edit_article_under_review(client, user):
    article = other_article(status=S.FIRST_PASSED)
    client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, headline="编辑改的标题"))
    return Article.objects.get(pk=article.pk).headline == "编辑改的标题"


def edit_own_submitted_article(client, user):
    article = ArticleFactory(reporter=user, status=S.SUBMITTED)
    client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article, headline="改过的标题"))
    return Article.objects.get(pk=article.pk).headline == "改过的标题"


def submit_own_draft(client, user):
    article = ArticleFactory(reporter=user)
    workflow(client, article, "submit")
    return status_of(article) == S.SUBMITTED


def first_review(client, user):
    article = other_article(status=S.SUBMITTED)
    workflow(client, article, "review")
    return status_of(article) == S.FIRST_PASSED


def second_review(client, user):
    article = other_article(status=S.FIRST_PASSED)
    workflow(client, article, "review")
    return status_of(article) == S.SECOND_PASSED


def second_review_after_own_first_review(client, user):
    article = other_article(status=S.SUBMITTED)
    workflow(client, article, "review")
    workflow(client, article, "review")
    return status_of(article) == S.SECOND_PASSED


def send_back(client, user):
    article = other_article(status=S.SECOND_PASSED)
    workflow(client, article, "send_back")
    return status_of(article) == S.SENT_BACK


def approve(client, user):
    article = other_article(status=S.SECOND_PASSED)
    workflow(client, article, "approve")
    return status_of(article) == S.APPROVED


def withdraw(client, user):
    placement = PlacementFactory(page=PageFactory(issue=IssueFactory(released=True)))
    workflow(client, placement.article, "withdraw", comment="核实有误")
    return status_of(placement.article) == S.WITHDRAWN


def correct(client, user):
    placement = PlacementFactory(page=PageFactory(issue=IssueFactory(released=True)))
    article = placement.article
    client.post(
        reverse("admin:articles_article_correct", args=[article.pk]),
        {**article_change_form(article, body="<p>更正后的正文。</p>"), "note": "数字有误，已更正。"},
    )
    return article.corrections.exists()


def restore_revision(client, user):
    article = other_article(status=S.SUBMITTED, headline="原来的标题")
    article.headline = "后来的标题"
    article.save()
    old = article.history.earliest("history_date")
    client.post(reverse("admin:articles_article_revisions", args=[article.pk]), {"revision": old.history_id})
    return Article.objects.get(pk=article.pk).headline == "原来的标题"


def open_assembly(client, user):
    issue, _front, _placement = unreleased_issue_with_story()
    response = client.get(reverse("admin:issues_issue_assembly", args=[issue.pk]))
    return response.status_code == 200 and "第一版" in response.content.decode()


def place_story(client, user):
    issue, front, _placement = unreleased_issue_with_story()
    article = ArticleFactory(approved=True)
    assembly(client, issue, {"action": "place", "page": front.pk, "article": article.pk})
    return Placement.objects.filter(page=front, article=article).exists()


def set_jump(client, user):
    issue, front, placement = unreleased_issue_with_story()
    inside = issue.pages.get(number=2)
    assembly(client, issue, {"action": "jump", "placement": placement.pk, "to_page": inside.pk, "after_paragraph": 2})
    return Jump.objects.filter(placement=placement, to_page=inside).exists()


def add_teaser(client, user):
    issue, front, placement = unreleased_issue_with_story()
    inside = issue.pages.get(number=2)
    other = placement_create(page=inside, article=ArticleFactory(approved=True)).article
    assembly(client, issue, {"action": "teaser", "page": front.pk, "article": other.pk, "label": "综合新闻"})
    return Teaser.objects.filter(page=front, article=other).exists()


def sign_off_page(client, user):
    issue, front, _placement = unreleased_issue_with_story()
    assembly(client, issue, {"action": "sign_off", "page": front.pk})
    return Page.objects.get(pk=front.pk).signed_off_by_id == user.pk


def release_issue(client, user):
    issue, front, _placement = unreleased_issue_with_story()
    issue.pages.filter(number=2).delete()
    Page.objects.filter(pk=front.pk).update(signed_off_at=datetime.datetime.now(datetime.timezone.utc))
    assembly(client, issue, {"action": "release", "release_at": "2000-01-01T06:00"})
    return Issue.objects.released().filter(pk=issue.pk).exists()


def preview_page(client, user):
    issue, _front, _placement = unreleased_issue_with_story()
    response = client.get(reverse("issues:page-preview", kwargs={"date": issue.date, "number": 1}))
    return response.status_code == 200


def file_photo_news(client, user):
    from tests.admin_forms import jpeg

    client.post(
        reverse("admin:articles_photo_add"),
        {"article": "", "image": jpeg(), "caption": "图片新闻说明", "credit": "记者 左燕", "order": "0"},
    )
    return Photo.objects.filter(caption="图片新闻说明", article__isnull=True).exists()


def correct_photo_caption(client, user):
    placement = PlacementFactory(page=PageFactory(issue=IssueFactory(released=True), number=1))
    photo = PhotoFactory(article=placement.article, caption="原说明")
    client.post(
        reverse("admin:articles_photo_correct", args=[photo.pk]), {"caption": "新说明", "note": "原说明有误。"}
    )
    return Photo.objects.get(pk=photo.pk).caption == "新说明" and photo.corrections.exists()


MATRIX = {
    file_article: {"reporter", "editor", "chief", "superuser"},
    edit_own_draft: {"reporter", "editor", "chief", "superuser"},
    submit_own_draft: {"reporter", "editor", "chief", "superuser"},
    edit_others_draft: {"superuser"},
    see_others_draft: {"editor", "chief", "superuser"},
    edit_own_submitted_article: {"editor", "chief", "superuser"},
    edit_article_under_review: {"editor", "chief", "superuser"},
    first_review: {"editor", "chief", "superuser"},
    second_review: {"editor", "chief", "superuser"},
    # 三审 is three different people, a superuser's included (NEWSROOM_SAME_EDITOR_FIRST_AND_SECOND_REVIEW).
    second_review_after_own_first_review: set(),
    send_back: {"editor", "chief", "superuser"},
    approve: {"chief", "superuser"},
    withdraw: {"chief", "superuser"},
    correct: {"editor", "chief", "superuser"},
    restore_revision: {"editor", "chief", "superuser"},
    open_assembly: {"editor", "chief", "superuser"},
    place_story: {"editor", "chief", "superuser"},
    set_jump: {"editor", "chief", "superuser"},
    add_teaser: {"editor", "chief", "superuser"},
    sign_off_page: {"chief", "superuser"},
    release_issue: {"chief", "superuser"},
    preview_page: {"editor", "chief", "superuser"},
    file_photo_news: {"editor", "chief", "superuser"},
    correct_photo_caption: {"editor", "chief", "superuser"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", MATRIX, ids=lambda action: action.__name__)
def test_permission_matrix_cell(client, action, role):
    user = make_user(role)
    client.force_login(user)

    happened = action(client, user)

    assert happened == (role in MATRIX[action]), f"{role} {action.__name__}"


def test_reporters_see_each_others_drafts_when_the_newsroom_allows_it(client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "REPORTERS_SEE_ALL_DRAFTS": True}
    user = make_user("reporter")
    client.force_login(user)
    assert see_others_draft(client, user)
    assert not edit_others_draft(client, user)


def test_reporter_sees_others_articles_once_submitted_but_cannot_edit_them(client):
    user = make_user("reporter")
    client.force_login(user)
    article = other_article(status=S.SUBMITTED, headline="已提交的稿件")
    assert "已提交的稿件" in client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert not edit_article_under_review(client, user)
    assert client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200


def test_refused_review_step_answers_403_and_says_why(client):
    client.force_login(make_user("editor"))
    article = other_article(status=S.SECOND_PASSED)

    response = workflow(client, article, "approve")

    assert response.status_code == 403
    assert "只有值班总编可以终审" in response.content.decode()


def test_refused_sign_off_answers_403_and_says_why(client):
    client.force_login(make_user("editor"))
    issue, front, _placement = unreleased_issue_with_story()

    response = assembly(client, issue, {"action": "sign_off", "page": front.pk})

    assert response.status_code == 403
    assert "只有值班总编可以签发版面" in response.content.decode()


def test_preview_is_404_for_anonymous_readers(client):
    issue, _front, _placement = unreleased_issue_with_story()
    response = client.get(reverse("issues:page-preview", kwargs={"date": issue.date, "number": 1}))
    assert response.status_code == 404


def test_roles_in_the_database_match_the_roles_module():
    from django.contrib.auth.models import Group

    from articles.roles import ROLES

    for name, perms in ROLES.items():
        group = Group.objects.get(name=name)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert have == set(perms), name
