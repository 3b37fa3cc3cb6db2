import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.roles import CHIEF, EDITOR, REPORTER
from articles.services import article_review_pass
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    UserFactory,
    role_user,
)
from tests.admin_forms import article_change_form

pytestmark = pytest.mark.django_db

S = Article.Status


@pytest.fixture
def editor_client(client):
    client.force_login(role_user(EDITOR, username="editor"))
    return client


def test_concurrent_save_is_refused_keeps_the_text_and_shows_what_changed(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, body="<p>第一段原文。</p><p>第二段原文。</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    first = article_change_form(article, body="<p>第一段原文。</p><p>第二段由甲编辑改写。</p>")
    second = article_change_form(article, body="<p>第一段由乙编辑改写。</p><p>第二段原文。</p>")

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

    response = editor_client.post(url, article_change_form(article, headline="审定后改的标题"), follow=True)

    assert "重新审定前读者看不到它" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status) == ("审定后改的标题", S.SECOND_PASSED)


def test_an_approved_story_on_a_scheduled_issue_is_read_only_and_says_how_to_change_it(editor_client):
    from tests.factories import IssueFactory, PageFactory, PlacementFactory

    page = PageFactory(issue=IssueFactory(released=False), number=1)  # its release time set
    article = PlacementFactory(page=page, article=ArticleFactory(approved=True, headline="排定的标题")).article
    url = reverse("admin:articles_article_change", args=[article.pk])

    screen = editor_client.get(url).content.decode()
    assert "请先在本期的组版页撤回定时发布" in screen and 'name="_save"' not in screen
    editor_client.post(url, article_change_form(article, headline="排定后改的标题"))
    assert Article.objects.get(pk=article.pk).headline == "排定的标题"


def test_saving_an_approved_article_unchanged_keeps_it_approved(editor_client):
    article = ArticleFactory(approved=True)
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), article_change_form(article))
    assert Article.objects.get(pk=article.pk).status == S.APPROVED


def test_released_article_is_corrected_through_the_admin_and_readers_see_the_note(client, front_story):
    client.force_login(role_user(EDITOR, username="editor"))
    url = reverse("admin:articles_article_correct", args=[front_story.pk])
    assert "更正说明" in client.get(url).content.decode()

    response = client.post(
        url, {**article_change_form(front_story, body="<p>改正后的正文。</p>"), "note": "人数有误，已更正。"}
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


# --- Review buttons are part of the article's form ---------------------------------------------


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_review_button_saves_the_edits_typed_above_it_and_takes_the_step(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, body="<p>原来的导语。</p>")

    response = editor_client.post(
        change_url(article),
        article_change_form(article, headline="编辑改过的标题", body="<p>编辑改过的导语。</p>", _workflow="first_review"),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.body, article.status) == ("编辑改过的标题", "<p>编辑改过的导语。</p>", S.FIRST_PASSED)
    assert article.transitions.get().actor.username == "editor"


def test_review_button_on_a_stale_form_moves_nothing_and_keeps_the_typed_text(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, body="<p>原来的导语。</p>")
    form = article_change_form(article, body="<p>我在表单里打的字。</p>", _workflow="first_review")
    article.headline = "别人先保存的标题"
    article.save()  # someone else saved while the form was open

    response = editor_client.post(change_url(article), form)

    content = response.content.decode()
    assert response.status_code == 200
    assert "我在表单里打的字。" in content
    assert "稿件没有推进" in content and "有人在您编辑时保存了这篇稿件" in content
    article.refresh_from_db()
    assert (article.status, article.body) == (S.SUBMITTED, "<p>原来的导语。</p>")
    assert not article.transitions.exists()


def test_review_button_for_a_second_step_by_the_same_editor_is_refused_and_says_the_edits_were_saved(editor_client):
    article = ArticleFactory(status=S.SUBMITTED)
    editor_client.post(change_url(article), article_change_form(article, _workflow="first_review"))
    article.refresh_from_db()

    response = editor_client.post(
        change_url(article), article_change_form(article, headline="二审时改的标题", _workflow="second_review"), follow=True
    )

    content = response.content.decode()
    assert "已保存" in content and "三审须三个不同的人" in content
    article.refresh_from_db()
    assert (article.headline, article.status) == ("二审时改的标题", S.FIRST_PASSED)


def test_send_back_button_keeps_the_comment_and_the_comment_opens_the_reporters_page(client):
    reporter = role_user(REPORTER, username="zuoyan")
    article = ArticleFactory(reporter=reporter, status=S.SUBMITTED)
    client.force_login(role_user(EDITOR, username="editor"))
    client.post(change_url(article), article_change_form(article, _workflow="send_back", _workflow_comment="请核实参会人数。"))
    assert Article.objects.get(pk=article.pk).status == S.SENT_BACK

    client.force_login(reporter)
    content = client.get(change_url(article)).content.decode()

    assert "请核实参会人数。" in content
    assert content.index("请核实参会人数。") < content.index('id="article_form"')


def test_enter_in_a_field_saves_without_taking_a_review_step(editor_client):
    article = ArticleFactory(status=S.SUBMITTED)
    content = editor_client.get(change_url(article)).content.decode()
    form = content[content.index('id="article_form"'):]
    # The browser submits with the form's first submit button: it must be a plain save.
    first_button = form[form.index("<button"):form.index("</button>")]
    assert 'name="_save"' in first_button


def test_bulk_review_run_twice_by_one_editor_moves_each_story_one_step_and_names_the_refused(editor_client):
    stories = [ArticleFactory(status=S.SUBMITTED, headline=f"批量稿件{n}") for n in range(2)]
    data = {"action": "pass_review_selected", "_selected_action": [story.pk for story in stories]}
    url = reverse("admin:articles_article_changelist")

    editor_client.post(url, data)
    response = editor_client.post(url, data, follow=True)

    assert [Article.objects.get(pk=story.pk).status for story in stories] == [S.FIRST_PASSED, S.FIRST_PASSED]
    content = response.content.decode()
    assert "“批量稿件0”未能推进" in content and "“批量稿件1”未能推进" in content


def test_review_button_on_a_story_with_a_photo_saves_and_moves_it(editor_client):
    photo = PhotoFactory(article=ArticleFactory(status=S.SUBMITTED))
    article = photo.article
    data = article_change_form(
        article,
        _workflow="first_review",
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(photo.pk),
            "photos-0-article": str(article.pk),
            "photos-0-caption": "改过的图片说明",
            "photos-0-credit": photo.credit,
            "photos-0-order": "0",
        },
    )

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == S.FIRST_PASSED
    photo.refresh_from_db()
    assert photo.caption == "改过的图片说明"


# --- The smaller things on the article screens ---------------------------------------------------


def test_read_only_story_shows_its_body_formatted_not_its_html_source(reporter_client):
    article = ArticleFactory(status=S.SUBMITTED, body="<p>正文里有<strong>加粗</strong>的字。</p>")

    content = reporter_client.get(change_url(article)).content.decode()

    assert "<strong>加粗</strong>" in content
    assert "&lt;strong&gt;" not in content and "&lt;p&gt;" not in content


def test_printed_on_column_breaks_the_line_instead_of_showing_a_br_tag(staff_client):
    article = ArticleFactory(approved=True)
    for number in (1, 2):
        PlacementFactory(article=article, page=PageFactory(number=number))

    content = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "&lt;br&gt;" not in content
    assert "<br>" in content


def test_view_on_site_of_an_unreleased_story_opens_the_staff_preview_of_its_page(editor_client):
    page = PageFactory(issue=IssueFactory(released=False), number=3)
    placed = PlacementFactory(page=page, article=ArticleFactory(approved=True)).article
    unplaced = ArticleFactory(status=S.SUBMITTED)

    preview = reverse("issues:page-preview", kwargs={"date": page.issue.date, "number": 3})
    assert f'href="{preview}"' in editor_client.get(change_url(placed)).content.decode()
    assert editor_client.get(preview).status_code == 200
    assert "viewsitelink" not in editor_client.get(change_url(unplaced)).content.decode()


def test_changing_only_the_tags_of_an_approved_story_sends_it_back_to_final_review(editor_client):
    article = ArticleFactory(approved=True)
    article.tags.add("民生")

    response = editor_client.post(change_url(article), article_change_form(article, tags="民生, 教育"), follow=True)

    assert "重新审定前读者看不到它" in response.content.decode()
    article.refresh_from_db()
    assert article.status == S.SECOND_PASSED
    assert set(article.tags.names()) == {"民生", "教育"}


def test_too_many_tags_are_refused_with_the_limit_and_nothing_is_saved(editor_client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_TAGS_PER_ARTICLE": 3}
    article = ArticleFactory(status=S.SUBMITTED)

    response = editor_client.post(change_url(article), article_change_form(article, tags="一, 二, 三, 四", headline="新标题"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "最多只能有 3 个标签" in content and "这篇有 4 个" in content
    article.refresh_from_db()
    assert article.headline != "新标题" and not article.tags.exists()


def test_reporter_does_not_see_tags_used_only_on_a_colleagues_draft(reporter_client):
    ArticleFactory(reporter=UserFactory(username="colleague"), status=S.DRAFT).tags.add("机密选题")
    ArticleFactory(reporter=reporter_client.user).tags.add("我的选题")

    listing = reporter_client.get(reverse("admin:articles_article_changelist")).content.decode()
    tags = reporter_client.get(reverse("admin:taggit_tag_changelist")).content.decode()

    assert "我的选题" in listing and "机密选题" not in listing
    assert "我的选题" in tags and "机密选题" not in tags


@pytest.mark.parametrize("status", [S.DRAFT, S.SENT_BACK])
def test_reporter_gets_404_on_the_revisions_of_a_colleagues_draft(reporter_client, status):
    draft = ArticleFactory(reporter=UserFactory(username="colleague"), status=status, headline="同事的草稿")
    own = ArticleFactory(reporter=reporter_client.user)
    url = reverse("admin:articles_article_revisions", args=[draft.pk])

    assert reporter_client.get(url).status_code == 404
    assert reporter_client.post(url, {"revision": draft.history.first().history_id}).status_code == 404
    assert reporter_client.get(reverse("admin:articles_article_revisions", args=[own.pk])).status_code == 200


@pytest.mark.parametrize("took", ["first_review", "second_review"])
def test_approve_button_is_refused_to_the_chief_who_took_an_earlier_review(client, took):
    chief = role_user(CHIEF, username="chief")
    client.force_login(chief)
    article = ArticleFactory(status=S.SUBMITTED if took == "first_review" else S.FIRST_PASSED)
    client.post(change_url(article), article_change_form(article, _workflow=took))
    article.refresh_from_db()
    if took == "first_review":  # someone else takes 二审
        article_review_pass(article=article, user=role_user(EDITOR, username="editor"))
        article.refresh_from_db()

    assert "终审通过" not in client.get(change_url(article)).content.decode()
    response = client.post(change_url(article), article_change_form(article, _workflow="approve"), follow=True)

    assert "三审须三个不同的人" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.SECOND_PASSED


def test_bulk_approval_is_refused_for_a_story_the_chief_reviewed(client):
    client.force_login(role_user(CHIEF, username="chief"))
    article = ArticleFactory(status=S.FIRST_PASSED, headline="总编二审的稿件")
    url = reverse("admin:articles_article_changelist")

    client.post(url, {"action": "pass_review_selected", "_selected_action": [article.pk]})
    response = client.post(url, {"action": "approve_selected", "_selected_action": [article.pk]}, follow=True)

    assert "“总编二审的稿件”未能推进" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == S.SECOND_PASSED


def test_waiting_for_me_list_leaves_out_a_story_the_editor_passed_first_review(editor_client):
    article = ArticleFactory(status=S.SUBMITTED, headline="我初审过的稿件")
    editor_client.post(change_url(article), article_change_form(article, _workflow="first_review"), follow=True)
    assert Article.objects.get(pk=article.pk).status == S.FIRST_PASSED

    content = editor_client.get(reverse("admin:articles_article_changelist"), {"waiting": "me"}).content.decode()

    assert "我初审过的稿件" not in content


def test_two_thousand_tags_in_one_save_are_refused_before_any_is_written(editor_client):
    article = ArticleFactory(status=S.SUBMITTED)
    tags = ", ".join(f"标签{n}" for n in range(2000))

    response = editor_client.post(change_url(article), article_change_form(article, tags=tags))

    assert response.status_code == 200 and "最多只能有 30 个标签" in response.content.decode()
    assert not Tag.objects.exists()


def test_published_story_page_asks_the_same_number_of_queries_with_one_photo_or_ten(client, chief, front_story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chief)
    url = reverse("admin:articles_article_change", args=[front_story.pk])
    counts = []
    for photos in (1, 9):
        PhotoFactory.create_batch(photos, article=front_story)
        client.get(url)  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
