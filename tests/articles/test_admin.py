import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import CHIEF, EDITOR, REPORTER
from tests.factories import ArticleFactory, UserFactory, role_user
from tests.test_permissions import article_form

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def editor_client(client):
    client.force_login(role_user(EDITOR, username="editor"))
    return client


def test_concurrent_save_is_refused_keeps_the_text_and_shows_what_changed(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, body="<p>第一段原文。</p><p>第二段原文。</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    first = article_form(article, body="<p>第一段原文。</p><p>第二段由甲编辑改写。</p>")
    second = article_form(article, body="<p>第一段由乙编辑改写。</p><p>第二段原文。</p>")

    assert editor_client.post(url, first).status_code == 302
    response = editor_client.post(url, second)

    content = response.content.decode()
    assert response.status_code == 200
    assert "有人在您编辑时保存了这篇稿件" in content
    assert "第一段由乙编辑改写。" in content  # their text stays on the form
    assert "<del>由甲编辑改写</del>" in content  # the other editor's change, shown as a difference
    assert Article.objects.get(pk=article.pk).body == "<p>第一段原文。</p><p>第二段由甲编辑改写。</p>"


def test_article_page_shows_state_and_review_history_with_comments(editor_client):
    article = ArticleFactory(status=S.SUBMITTED)
    editor_client.post(
        reverse("admin:articles_article_workflow", args=[article.pk]),
        {"action": "send_back", "comment": "请核实人数。"},
    )

    content = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()

    assert "已退稿" in content
    assert "请核实人数。" in content and "审稿记录" in content


def test_send_back_without_a_comment_is_refused_with_the_reason(editor_client):
    article = ArticleFactory(status=S.SUBMITTED)
    response = editor_client.post(
        reverse("admin:articles_article_workflow", args=[article.pk]), {"action": "send_back", "comment": ""},
        follow=True,
    )
    assert "请写明记者需要修改什么" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


def test_revisions_screen_shows_the_difference_and_restores_an_old_revision(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, headline="旧标题", body="<p>原来的正文。</p>")
    article.headline, article.body = "新标题", "<p>改写的正文。</p>"
    article.save()
    url = reverse("admin:articles_article_revisions", args=[article.pk])

    content = editor_client.get(url).content.decode()
    assert "<del>旧</del><ins>新</ins>标题" in content
    assert "<del>原来</del><ins>改写</ins>的正文。" in content

    old = article.history.earliest("history_date")
    response = editor_client.post(url, {"revision": old.history_id})

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.body) == ("旧标题", "<p>原来的正文。</p>")


def test_editing_an_approved_unreleased_article_sends_it_back_to_final_review(editor_client):
    article = ArticleFactory(approved=True)
    url = reverse("admin:articles_article_change", args=[article.pk])

    response = editor_client.post(url, article_form(article, headline="审定后改的标题"), follow=True)

    assert "重新审定前读者看不到它" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status) == ("审定后改的标题", S.SECOND_PASSED)


def test_saving_an_approved_article_unchanged_keeps_it_approved(editor_client):
    article = ArticleFactory(approved=True)
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), article_form(article))
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_released_article_is_corrected_through_the_admin_and_readers_see_the_note(client, front_story):
    client.force_login(role_user(EDITOR, username="editor"))
    url = reverse("admin:articles_article_correct", args=[front_story.pk])
    assert "更正说明" in client.get(url).content.decode()

    response = client.post(
        url, {**article_form(front_story, body="<p>改正后的正文。</p>"), "note": "人数有误，已更正。"}
    )

    assert response.status_code == 302
    client.logout()
    content = client.get(front_story.get_absolute_url()).content.decode()
    assert "改正后的正文。" in content and "人数有误，已更正。" in content


@pytest.mark.parametrize(
    "role, waiting, not_waiting",
    [
        (REPORTER, [S.SENT_BACK], [S.SUBMITTED, S.SECOND_PASSED, S.DRAFT]),
        (EDITOR, [S.SUBMITTED, S.FIRST_PASSED], [S.SECOND_PASSED, S.APPROVED]),
        (CHIEF, [S.SECOND_PASSED], [S.SUBMITTED, S.APPROVED]),
    ],
)
def test_waiting_for_me_lists_what_awaits_each_role(client, role, waiting, not_waiting):
    user = role_user(role, username="me")
    client.force_login(user)
    # Reporters wait on their own articles; editors and the chief on other people's.
    owner = user if role == REPORTER else UserFactory(username="other")
    for status in waiting + not_waiting:
        ArticleFactory(reporter=owner, status=status, headline=f"稿件-{status}")

    content = client.get(reverse("admin:articles_article_changelist"), {"waiting": "me"}).content.decode()

    for status in waiting:
        assert f"稿件-{status}" in content
    for status in not_waiting:
        assert f"稿件-{status}" not in content
