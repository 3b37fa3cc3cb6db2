"""The review table (articles.workflow): 三审 is three different people, whichever door a step comes through."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles import workflow
from articles.models import Article, Transition
from articles.services import article_approve, article_review_pass, article_send_back, article_submit
from articles.workflow import STEP, available_steps, waiting_for_q
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db

S = Article.Status


def submitted(reporter) -> Article:
    article = ArticleFactory(reporter=reporter)
    article_submit(article=article, user=reporter)
    return article


def status_of(article: Article) -> str:
    return Article.objects.get(pk=article.pk).status


def test_the_editor_who_passed_first_review_is_refused_second_review(reporter, editor):
    article = submitted(reporter)
    article_review_pass(article=article, user=editor)

    with pytest.raises(PermissionDenied) as refused:
        article_review_pass(article=article, user=editor)

    assert "三审" in str(refused.value) and "通过初审" in str(refused.value)
    assert status_of(article) == S.FIRST_PASSED


@pytest.mark.parametrize("took", ["first", "second"])
def test_the_chief_who_took_first_or_second_review_is_refused_final_approval(reporter, editor, chief, took):
    article = submitted(reporter)
    article_review_pass(article=article, user=chief if took == "first" else editor)
    article_review_pass(article=article, user=editor if took == "first" else chief)

    with pytest.raises(PermissionDenied):
        article_approve(article=article, user=chief)

    assert status_of(article) == S.SECOND_PASSED


def test_three_different_people_take_the_three_reviews(reporter, editor, second_editor, chief):
    article = submitted(reporter)
    article_review_pass(article=article, user=editor)
    article_review_pass(article=article, user=second_editor)
    article_approve(article=article, user=chief)
    assert status_of(article) == S.APPROVED


def test_the_setting_lets_one_editor_take_first_and_second_review_but_not_final_approval(settings, reporter, chief):
    settings.NEWSROOM = {**settings.NEWSROOM, "SAME_EDITOR_FIRST_AND_SECOND_REVIEW": True}
    article = submitted(reporter)

    article_review_pass(article=article, user=chief)
    article_review_pass(article=article, user=chief)
    assert status_of(article) == S.SECOND_PASSED

    with pytest.raises(PermissionDenied):
        article_approve(article=article, user=chief)


def test_a_new_submission_starts_a_new_round_of_review(reporter, editor, second_editor):
    article = submitted(reporter)
    article_review_pass(article=article, user=editor)
    article_send_back(article=article, user=second_editor, comment="请补充数据来源。")
    article_submit(article=article, user=reporter)

    article_review_pass(article=article, user=second_editor)
    article_review_pass(article=article, user=editor)  # 初审 was last round's

    assert status_of(article) == S.SECOND_PASSED


def test_the_buttons_offered_leave_out_a_step_the_user_may_not_take(reporter, editor, second_editor):
    article = submitted(reporter)
    article_review_pass(article=article, user=editor)

    assert [step.name for step in available_steps(editor, article)] == ["send_back"]
    assert [step.name for step in available_steps(second_editor, article)] == ["second_review", "send_back"]
    assert STEP["second_review"] not in available_steps(reporter, article)


def test_waiting_for_me_leaves_out_a_story_whose_earlier_step_the_editor_took(reporter, editor, second_editor):
    passed = submitted(reporter)
    article_review_pass(article=passed, user=editor)
    fresh = submitted(reporter)

    def waiting(user) -> set[int]:
        return set(Article.objects.filter(waiting_for_q(user)).values_list("pk", flat=True))

    assert waiting(editor) == {fresh.pk}
    assert waiting(second_editor) == {fresh.pk, passed.pk}


# --- Gates: what the story itself must satisfy before a step (终审's proofreading and photos) -----------


def refuse_wire_copy(*, article: Article) -> ValidationError | None:
    """A gate for the tests: a story headed 通稿 may not pass."""
    return ValidationError("通稿须改写后再审。", code="wire") if "通稿" in article.headline else None


@pytest.fixture
def gated_first_review(monkeypatch):
    """初审 with a gate of its own, added to the table the way 终审's are."""
    row = dataclasses.replace(STEP["first_review"], gates=(f"{__name__}.refuse_wire_copy",))
    monkeypatch.setitem(workflow.STEP, "first_review", row)


def test_a_gate_in_the_table_is_asked_whichever_step_it_is_on(gated_first_review, reporter, editor):
    wire = submitted(reporter)
    Article.objects.filter(pk=wire.pk).update(headline="通稿：全区经济运行情况")
    own = submitted(reporter)

    with pytest.raises(ValidationError, match="通稿须改写"):
        article_review_pass(article=wire, user=editor)
    article_review_pass(article=own, user=editor)

    assert status_of(wire) == S.SUBMITTED and status_of(own) == S.FIRST_PASSED
    assert not Transition.objects.filter(article=wire, action="first_review").exists()


def test_the_change_page_button_tells_why_a_gate_refused_the_step(gated_first_review, client, reporter, editor):
    wire = submitted(reporter)
    Article.objects.filter(pk=wire.pk).update(headline="通稿：全区经济运行情况")
    client.force_login(editor)

    url = reverse("admin:articles_article_workflow", args=[wire.pk])
    response = client.post(url, {"action": "first_review"}, follow=True)

    assert "通稿须改写后再审。" in response.content.decode()
    assert status_of(wire) == S.SUBMITTED


def test_final_approval_is_the_row_with_the_proofreading_and_pending_image_gates():
    assert STEP["approve"].gates == (
        "articles.proofing.services.approval_refusal",
        "articles.photos.pending_image_refusal",
    )
    for row in workflow.STEPS:
        for path in row.gates:
            assert callable(workflow.import_string(path)), path


def waiting_for_approval(reporter, editor, second_editor) -> Article:
    article = submitted(reporter)
    article_review_pass(article=article, user=editor)
    article_review_pass(article=article, user=second_editor)
    return article


def test_final_approval_waits_for_a_photo_still_waiting_for_its_image(reporter, editor, second_editor, chief):
    article = waiting_for_approval(reporter, editor, second_editor)
    photo = PhotoFactory(article=article, image_pending=True)

    with pytest.raises(ValidationError, match="等待补图"):
        article_approve(article=article, user=chief)
    assert status_of(article) == S.SECOND_PASSED

    photo.delete()
    article_approve(article=article, user=chief)
    assert status_of(article) == S.APPROVED


def test_the_approve_button_says_a_photo_is_waiting_for_its_image(client, reporter, editor, second_editor, chief):
    article = waiting_for_approval(reporter, editor, second_editor)
    PhotoFactory(article=article, image_pending=True)
    client.force_login(chief)

    url = reverse("admin:articles_article_workflow", args=[article.pk])
    page = client.post(url, {"action": "approve"}, follow=True).content.decode()

    assert "还在等待补图" in page
    assert status_of(article) == S.SECOND_PASSED
