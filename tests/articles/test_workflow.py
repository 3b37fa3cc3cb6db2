"""The review table (articles.workflow): 三审 is three different people, whichever door a step comes through."""

import pytest
from django.core.exceptions import PermissionDenied

from articles.models import Article
from articles.services import article_approve, article_review_pass, article_send_back, article_submit
from articles.workflow import STEP, available_steps, waiting_for_q
from tests.factories import ArticleFactory

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
