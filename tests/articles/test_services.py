import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article, Correction, Transition
from articles.roles import CHIEF, EDITOR, REPORTER
from articles.services import (
    article_create,
    article_approve,
    article_edit,
    article_correct,
    article_reopen,
    article_restore,
    article_review_pass,
    article_send_back,
    article_submit,
    article_withdraw,
)
from tests.factories import ArticleFactory, role_user

pytestmark = pytest.mark.django_db

S = Article.Status


def test_article_walks_the_whole_review_and_every_step_is_logged(reporter, editor, second_editor, chief):
    article = ArticleFactory(reporter=reporter)

    article_submit(article=article, user=reporter)
    article_review_pass(article=article, user=editor, comment="初审通过")
    article_review_pass(article=article, user=second_editor)
    article_approve(article=article, user=chief)

    article.refresh_from_db()
    assert article.status == S.APPROVED
    steps = list(article.transitions.values_list("from_status", "to_status", "actor__username", "comment"))
    assert steps == [
        (S.DRAFT, S.SUBMITTED, "zuoyan", ""),
        (S.SUBMITTED, S.FIRST_PASSED, "maxiaoxuan", "初审通过"),
        (S.FIRST_PASSED, S.SECOND_PASSED, "wangjing", ""),
        (S.SECOND_PASSED, S.APPROVED, "zhiban", ""),
    ]


def test_article_transition_leaves_the_version_alone_so_open_forms_stay_valid(reporter):
    article = ArticleFactory(reporter=reporter)
    version = article.version
    article_submit(article=article, user=reporter)
    article.refresh_from_db()
    assert article.version == version


@pytest.mark.parametrize("status", [S.SUBMITTED, S.FIRST_PASSED, S.SECOND_PASSED])
def test_article_send_back_from_every_review_step_needs_a_comment(reporter, editor, status):
    article = ArticleFactory(reporter=reporter, status=status)

    with pytest.raises(ValidationError) as refused:
        article_send_back(article=article, user=editor, comment="  ")
    assert "修改" in " ".join(refused.value.messages)

    article_send_back(article=article, user=editor, comment="导语太长，请压缩。")
    article.refresh_from_db()
    assert article.status == S.SENT_BACK
    assert article.transitions.get().comment == "导语太长，请压缩。"


def test_article_sent_back_is_submitted_again_by_its_reporter(reporter, editor):
    article = ArticleFactory(reporter=reporter, status=S.SENT_BACK)
    article_submit(article=article, user=reporter)
    assert Article.objects.get(pk=article.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    "service, status, role, refusal",
    [
        # Wrong state: every service refuses articles not in its "from" states.
        (article_submit, S.SUBMITTED, REPORTER, ValidationError),
        (article_submit, S.APPROVED, REPORTER, ValidationError),
        (article_review_pass, S.DRAFT, EDITOR, ValidationError),
        (article_review_pass, S.SECOND_PASSED, EDITOR, ValidationError),
        (article_review_pass, S.APPROVED, EDITOR, ValidationError),
        (article_approve, S.FIRST_PASSED, CHIEF, ValidationError),
        (article_approve, S.SUBMITTED, CHIEF, ValidationError),
        (article_approve, S.DRAFT, CHIEF, ValidationError),
        (article_withdraw, S.SECOND_PASSED, CHIEF, ValidationError),
        (article_withdraw, S.WITHDRAWN, CHIEF, ValidationError),
        (article_send_back, S.DRAFT, EDITOR, ValidationError),
        (article_send_back, S.APPROVED, EDITOR, ValidationError),
        # Wrong role.
        (article_review_pass, S.SUBMITTED, REPORTER, PermissionDenied),
        (article_send_back, S.SUBMITTED, REPORTER, PermissionDenied),
        (article_approve, S.SECOND_PASSED, REPORTER, PermissionDenied),
        (article_approve, S.SECOND_PASSED, EDITOR, PermissionDenied),
        (article_withdraw, S.APPROVED, EDITOR, PermissionDenied),
        (article_withdraw, S.APPROVED, REPORTER, PermissionDenied),
    ],
)
def test_article_transition_refused_leaves_state_and_log_unchanged(service, status, role, refusal):
    article = ArticleFactory(status=status)
    user = role_user(role)
    kwargs = {"comment": "理由"} if service is article_send_back else {}
    if service is article_withdraw:
        kwargs = {"reason": "理由"}

    with pytest.raises(refusal):
        service(article=article, user=user, **kwargs)

    assert Article.objects.get(pk=article.pk).status == status
    assert not Transition.objects.exists()


def test_article_submit_of_someone_elses_draft_is_refused(reporter):
    article = ArticleFactory(status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        article_submit(article=article, user=reporter)


def test_article_review_of_ones_own_story_is_refused(editor, chief):
    own = ArticleFactory(reporter=editor, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        article_review_pass(article=own, user=editor)
    chiefs = ArticleFactory(reporter=chief, status=S.SECOND_PASSED)
    with pytest.raises(PermissionDenied):
        article_approve(article=chiefs, user=chief)


def test_article_withdraw_needs_a_reason_and_takes_the_story_off_the_page(client, chief, front_story):
    with pytest.raises(ValidationError):
        article_withdraw(article=front_story, user=chief, reason="")

    article_withdraw(article=front_story, user=chief, reason="数据有误，撤稿核实。")

    assert client.get(front_story.get_absolute_url()).status_code == 404
    page = front_story.placements.get().page
    assert front_story.headline not in client.get(page.get_absolute_url()).content.decode()
    assert front_story.transitions.get().comment == "数据有误，撤稿核实。"


def test_article_reopen_after_approval_hides_the_story_until_approved_again(client, editor, chief, front_story):
    article_reopen(article=front_story, user=editor)

    assert Article.objects.get(pk=front_story.pk).status == S.SECOND_PASSED
    assert client.get(front_story.get_absolute_url()).status_code == 404

    article_approve(article=front_story, user=chief)
    assert client.get(front_story.get_absolute_url()).status_code == 200


def test_article_correct_changes_the_text_and_readers_see_a_dated_note(client, editor, front_story):
    article_correct(
        article=front_story,
        user=editor,
        note="原文“三千人”应为“三百人”。",
        body="<p>现场有三百人参加。</p>",
        known_version=front_story.version,
    )

    content = client.get(front_story.get_absolute_url()).content.decode()
    assert "现场有三百人参加。" in content
    assert "更正" in content and "原文“三千人”应为“三百人”。" in content
    correction = Correction.objects.get()
    assert correction.corrected_by == editor
    assert front_story.transitions.get().action == Transition.Action.CORRECT
    assert Article.objects.get(pk=front_story.pk).status == S.APPROVED


def test_article_correct_is_refused_for_a_story_readers_cannot_see(editor):
    article = ArticleFactory(status=S.APPROVED)
    with pytest.raises(ValidationError):
        article_correct(article=article, user=editor, note="更正", body="<p>改</p>")


def test_article_correct_from_a_stale_version_is_refused(editor, front_story):
    with pytest.raises(ValidationError) as refused:
        article_correct(article=front_story, user=editor, note="更正", body="<p>改</p>", known_version=0)
    assert refused.value.code == "stale_version"
    assert not Correction.objects.exists()


def test_article_correct_by_a_reporter_is_refused(reporter, front_story):
    with pytest.raises(PermissionDenied):
        article_correct(article=front_story, user=reporter, note="更正", body="<p>改</p>")


def test_article_every_save_keeps_a_revision_and_restore_brings_the_text_back(reporter):
    article = ArticleFactory(reporter=reporter, headline="初稿标题", body="<p>初稿正文。</p>")
    article.headline, article.body = "改后标题", "<p>改后正文。</p>"
    article.save()
    first = article.history.earliest("history_date")

    article_restore(article=article, user=reporter, revision_id=first.history_id)

    article.refresh_from_db()
    assert (article.headline, article.body) == ("初稿标题", "<p>初稿正文。</p>")
    assert article.history.count() == 3
    assert article.history.first().history_user == reporter


def test_article_restore_of_an_approved_article_sends_it_back_to_final_review(editor):
    article = ArticleFactory(status=S.APPROVED, headline="旧标题")
    article.headline = "新标题"
    article.save()
    old = article.history.earliest("history_date")

    article_restore(article=article, user=editor, revision_id=old.history_id)

    article.refresh_from_db()
    assert (article.headline, article.status) == ("旧标题", S.SECOND_PASSED)


def test_article_restore_of_a_released_story_is_refused(editor, front_story):
    with pytest.raises(PermissionDenied):
        article_restore(article=front_story, user=editor, revision_id=front_story.history.first().history_id)


# --- Filing a story: article_create, the one door for a new article ------------------------------------


def test_article_create_files_a_draft_under_the_user_and_records_the_filing_in_its_revisions():
    reporter = role_user(REPORTER, username="zuoyan")

    article = article_create(user=reporter, headline="我区实行慢病闭环式管理", body="<p>近日。</p>")

    saved = Article.objects.get(pk=article.pk)
    assert (saved.status, saved.reporter) == (Article.Status.DRAFT, reporter)
    first = saved.history.get()
    assert (first.history_type, first.history_user, first.history_change_reason) == ("+", reporter, "新建稿件")
    assert not Transition.objects.filter(article=saved).exists()  # the review log starts at submission


def test_article_create_files_for_the_reporter_named():
    editor, reporter = role_user(EDITOR, username="editor"), role_user(REPORTER, username="zuoyan")

    article = article_create(user=editor, reporter=reporter, headline="通讯员来稿")

    assert Article.objects.get(pk=article.pk).reporter == reporter
    assert article.history.get().history_user == editor


def test_article_create_refuses_a_story_without_a_headline_and_saves_nothing():
    reporter = role_user(REPORTER, username="zuoyan")

    with pytest.raises(ValidationError) as refused:
        article_create(user=reporter, headline="", body="<p>这是记者写了一晚上的稿子。</p>")

    assert "headline" in refused.value.message_dict
    assert not Article.objects.exists()


def test_article_create_files_only_drafts():
    with pytest.raises(ValueError):
        article_create(user=role_user(CHIEF, username="chief"), headline="直接终审", status=Article.Status.APPROVED)
    assert not Article.objects.exists()


# --- Editing a story: article_edit, the one door for an edit -------------------------------------------


def test_article_edit_saves_text_and_tags_twice_each_a_revision_of_the_user(reporter):
    article = article_create(user=reporter, headline="初稿标题", body="<p>初稿。</p>")

    article_edit(article=article, user=reporter, known_version=article.version, headline="二稿标题", tags=["城建"])
    article_edit(article=article, user=reporter, known_version=article.version, body="<p>三稿。</p>", tags=["城建", "民生"])

    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.body, saved.status) == ("二稿标题", "<p>三稿。</p>", S.DRAFT)
    assert sorted(saved.tags.names()) == ["城建", "民生"]
    assert saved.history.count() == 3 and {row.history_user for row in saved.history.all()} == {reporter}
    assert article.version == saved.version  # the caller's copy is the saved one: its next save is not stale


def test_article_edit_from_a_stale_version_is_refused_and_keeps_the_other_save(reporter, editor):
    article = article_create(user=reporter, headline="初稿标题")
    opened = article.version
    article_edit(article=Article.objects.get(pk=article.pk), user=reporter, known_version=opened, headline="记者改的标题")

    with pytest.raises(ValidationError) as refused:
        article_edit(article=article, user=reporter, known_version=opened, headline="另一个窗口里的标题")

    assert refused.value.code == "stale_version"
    assert Article.objects.get(pk=article.pk).headline == "记者改的标题"


def test_article_edit_of_an_approved_story_sends_it_back_to_final_review_and_clears_its_pages_sign_off(editor, chief):
    from issues.models import Page
    from tests.factories import IssueFactory, PageFactory, PlacementFactory

    page = PageFactory(issue=IssueFactory(release_at=None), number=1)  # tonight's paper, not yet scheduled
    story = PlacementFactory(page=page, article=ArticleFactory(approved=True, headline="已签发的标题")).article
    Page.objects.filter(pk=page.pk).update(signed_off_by=chief, signed_off_at=timezone.now())

    article_edit(article=story, user=editor, known_version=story.version, headline="签发后改的标题")

    assert story.status == S.SECOND_PASSED
    assert story.transitions.get().action == Transition.Action.EDIT
    page.refresh_from_db()
    assert page.signed_off_at is None


def test_article_edit_of_only_the_tags_of_an_approved_story_sends_it_back_too(editor):
    story = ArticleFactory(approved=True)
    article_edit(article=story, user=editor, known_version=story.version, tags=["新标签"])
    assert (story.status, list(story.tags.names())) == (S.SECOND_PASSED, ["新标签"])


def test_article_edit_that_changes_nothing_writes_nothing(editor):
    story = ArticleFactory(approved=True, headline="原标题")
    story.tags.add("城建")
    version, revisions = story.version, story.history.count()

    article_edit(article=story, user=editor, known_version=version, tags=["城建"])

    assert (story.status, story.version, story.history.count()) == (S.APPROVED, version, revisions)

    article_edit(article=story, user=editor, known_version=version, headline="原标题", body=story.body)  # a Save with no edit
    assert (story.status, story.version, story.history.count()) == (S.APPROVED, version, revisions)


def test_article_edit_of_a_released_story_is_refused_it_is_corrected(editor, front_story):
    with pytest.raises(PermissionDenied):
        article_edit(article=front_story, user=editor, known_version=front_story.version, headline="发布后改标题")
    assert Article.objects.get(pk=front_story.pk).headline != "发布后改标题"


def test_article_edit_of_someone_elses_draft_is_refused(reporter):
    other = role_user(REPORTER, username="other")
    draft = article_create(user=other, headline="别人的草稿")
    with pytest.raises(PermissionDenied):
        article_edit(article=draft, user=reporter, known_version=draft.version, headline="改别人的稿")


def test_article_edit_refuses_a_field_it_does_not_edit(reporter):
    draft = article_create(user=reporter, headline="草稿")
    with pytest.raises(ValueError):
        article_edit(article=draft, user=reporter, known_version=draft.version, status=S.APPROVED)
    assert Article.objects.get(pk=draft.pk).status == S.DRAFT


def test_article_edit_refuses_an_empty_headline_and_saves_nothing(reporter):
    draft = article_create(user=reporter, headline="草稿标题", body="<p>记者写了一晚上。</p>")
    with pytest.raises(ValidationError) as refused:
        article_edit(article=draft, user=reporter, known_version=draft.version, headline="", body="<p>新正文。</p>")
    assert "headline" in refused.value.message_dict
    assert Article.objects.get(pk=draft.pk).body == "<p>记者写了一晚上。</p>"


def test_article_edit_of_an_approved_story_on_a_scheduled_issue_waits_for_the_release_to_be_called_back(editor):
    """The chief scheduled the page with this text: a change would leave the story off the page at release."""
    from issues.models import Issue
    from tests.factories import IssueFactory, PageFactory, PlacementFactory

    issue = IssueFactory(released=False)  # tomorrow's paper, its release time set
    story = PlacementFactory(page=PageFactory(issue=issue, number=1), article=ArticleFactory(approved=True, headline="排定的标题")).article

    with pytest.raises(PermissionDenied):
        article_edit(article=story, user=editor, known_version=story.version, headline="排定后改的标题")
    assert Article.objects.get(pk=story.pk).headline == "排定的标题"

    Issue.objects.filter(pk=issue.pk).update(release_at=None)  # the release called back
    article_edit(article=Article.objects.get(pk=story.pk), user=editor, known_version=story.version, headline="排定后改的标题")
    assert Article.objects.get(pk=story.pk).headline == "排定后改的标题"
