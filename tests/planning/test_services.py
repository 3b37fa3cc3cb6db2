"""Story plans through their services: propose, approve, turn down, assign, start writing, delete."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from articles.planning.models import StoryPlan
from articles.planning.services import (
    plan_approve,
    plan_assign,
    plan_decline,
    plan_delete,
    plan_propose,
    plan_start_writing,
    plan_update,
)
from issues.models import PagePlan, PlannedPage
from issues.services import issue_create, page_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=6)


def propose(user, **fields):
    values = {"slug": "社区食堂满月", "summary": "开业一个月。", "issue_date": tomorrow(), "page_number": 2,
              "planned_chars": 900, "photos_wanted": 1, "deadline": soon(), **fields}
    return plan_propose(user=user, **values)


def test_a_reporter_proposes_and_is_the_plans_reporter(reporter):
    plan = propose(reporter)
    assert plan.status == StoryPlan.Status.PROPOSED
    assert plan.reporter == reporter and plan.proposed_by == reporter


def test_a_deadline_in_the_past_is_refused_and_nothing_is_saved(reporter):
    with pytest.raises(ValidationError, match="deadline"):
        propose(reporter, deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert not StoryPlan.objects.exists()


def test_a_page_the_issue_does_not_have_is_refused_naming_its_pages(reporter):
    issue = issue_create(date=tomorrow())
    page_create(issue=issue, number=1, name="要闻")
    page_create(issue=issue, number=2, name="综合新闻")
    with pytest.raises(ValidationError) as refused:
        propose(reporter, page_number=9)
    assert "第九版" in str(refused.value) and "第一版、第二版" in str(refused.value)


def test_with_no_issue_yet_the_page_plan_of_that_weekday_decides(reporter):
    layout = PagePlan.objects.create(name="四开四版", weekdays=str(tomorrow().isoweekday()))
    for number in range(1, 5):
        PlannedPage.objects.create(plan=layout, number=number, name=f"版{number}")
    with pytest.raises(ValidationError, match="第五版"):
        propose(reporter, page_number=5)
    assert propose(reporter, page_number=4).page_number == 4


def test_a_plan_for_a_day_with_no_issue_and_no_page_plan_is_accepted(reporter):
    assert propose(reporter, issue_date=tomorrow() + datetime.timedelta(days=30), page_number=12).pk


def test_an_editor_approves_and_turns_down_with_a_reason(reporter, editor):
    plan = propose(reporter)
    with pytest.raises(PermissionDenied):
        plan_approve(plan=plan, user=reporter)
    plan_approve(plan=plan, user=editor)
    assert plan.status == StoryPlan.Status.APPROVED
    other = propose(reporter, slug="商场促销")
    with pytest.raises(ValidationError):
        plan_decline(plan=other, user=editor, reason="  ")
    plan_decline(plan=other, user=editor, reason="商业促销不作新闻报道。")
    other.refresh_from_db()
    assert other.status == StoryPlan.Status.DECLINED and "促销" in other.decline_reason


def test_assigning_to_someone_without_the_reporter_role_is_refused(editor, reporter):
    plan = propose(editor)
    outsider = UserFactory(username="visitor", is_staff=True)
    with pytest.raises(ValidationError, match="cannot be assigned|不能派给"):
        plan_assign(plan=plan, user=editor, reporter=outsider)
    plan.refresh_from_db()
    assert plan.status == StoryPlan.Status.PROPOSED and plan.reporter == editor


def test_two_editors_assigning_at_once_the_second_is_refused(editor, second_editor, reporter):
    plan = propose(reporter)
    seen_by_both = plan.version
    plan_assign(plan=StoryPlan.objects.get(pk=plan.pk), user=editor, reporter=reporter, known_version=seen_by_both)
    with pytest.raises(ValidationError) as refused:
        plan_assign(plan=StoryPlan.objects.get(pk=plan.pk), user=second_editor, reporter=second_editor,
                    known_version=seen_by_both)
    assert refused.value.code == "stale_version"
    plan.refresh_from_db()
    assert plan.reporter == reporter  # the first assignment stands


def test_start_writing_makes_the_linked_draft_owned_by_the_reporter(editor, reporter):
    plan = propose(editor)
    with pytest.raises(ValidationError):
        plan_start_writing(plan=plan, user=editor)  # not approved yet
    plan_assign(plan=plan, user=editor, reporter=reporter)
    with pytest.raises(PermissionDenied):
        plan_start_writing(plan=plan, user=editor)
    article = plan_start_writing(plan=plan, user=reporter)
    assert article.reporter == reporter and article.status == Article.Status.DRAFT
    assert article.headline == "社区食堂满月"
    plan.refresh_from_db()
    assert plan.article == article
    assert plan_start_writing(plan=plan, user=reporter) == article  # twice makes one story


def test_a_story_started_from_a_plan_is_credited_to_its_reporter_for_the_statement(editor, reporter):
    from articles.contributors.models import Contributor

    reporter.first_name = "左燕"
    reporter.save()
    contributor = Contributor.objects.create(name="左燕", user=reporter)
    plan = propose(editor)
    plan_assign(plan=plan, user=editor, reporter=reporter)
    article = plan_start_writing(plan=plan, user=reporter)
    assert article.byline == "左燕"
    assert [(c.contributor, c.role) for c in article.credits.all()] == [(contributor, "text")]


def test_deleting_a_plan_with_a_story_is_refused_and_the_story_is_kept(editor, reporter):
    plan = propose(reporter)
    plan_approve(plan=plan, user=editor)
    article = plan_start_writing(plan=plan, user=reporter)
    with pytest.raises(ValidationError, match="社区食堂满月"):
        plan_delete(plan=plan, user=editor)
    assert StoryPlan.objects.filter(pk=plan.pk).exists() and Article.objects.filter(pk=article.pk).exists()
    empty = propose(reporter, slug="另一个选题")
    plan_delete(plan=empty, user=reporter)
    assert not StoryPlan.objects.filter(pk=empty.pk).exists()


def test_a_plan_is_late_when_its_deadline_passed_without_a_handed_in_story(editor, reporter):
    written = propose(reporter, slug="写了")
    propose(reporter, slug="没写")
    plan_approve(plan=written, user=editor)
    article = plan_start_writing(plan=written, user=reporter)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SUBMITTED)
    StoryPlan.objects.update(deadline=timezone.now() - datetime.timedelta(hours=1))
    late = {plan.slug: plan.late for plan in StoryPlan.objects.with_late()}
    assert late == {"写了": False, "没写": True}


def test_a_reporter_changes_their_proposal_but_not_an_approved_plan(reporter, editor):
    plan = propose(reporter)
    plan_update(plan=plan, user=reporter, planned_chars=1200)
    assert plan.planned_chars == 1200
    plan_approve(plan=plan, user=editor)
    with pytest.raises(PermissionDenied):
        plan_update(plan=plan, user=reporter, planned_chars=100)
