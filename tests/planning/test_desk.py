"""The planning screens: the 稿单, the calendar, the plan's admin form and the iCalendar feed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.planning.models import CalendarToken, StoryPlan
from articles.planning.services import plan_approve, plan_assign, plan_start_writing
from issues.services import issue_create, page_create, placement_create
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def make_plans(count: int, *, reporter, day: datetime.date, **fields) -> list[StoryPlan]:
    values = {"summary": "……", "planned_chars": 800, "deadline": timezone.now() + datetime.timedelta(hours=3)}
    return StoryPlan.objects.bulk_create(
        StoryPlan(**{"slug": f"选题{n}", "issue_date": day, "page_number": n % 2 + 1, "proposed_by": reporter,
                     "reporter": reporter, **values, **fields})
        for n in range(count)
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def issue(editor):
    issue = issue_create(date=tomorrow())
    front = page_create(issue=issue, number=1, name="要闻", capacity_chars=100)
    page_create(issue=issue, number=2, name="综合新闻", capacity_chars=5000)
    placement_create(page=front, article=ArticleFactory(approved=True, headline="重点工程冲刺",
                                                        body="<p>" + "进度超过序时" * 40 + "</p>"))
    return issue


def test_the_budget_lists_every_planned_and_placed_story_page_by_page(client, editor, reporter, issue):
    written, late = make_plans(2, reporter=reporter, day=issue.date)
    plan_approve(plan=written, user=editor)
    article = plan_start_writing(plan=written, user=reporter)
    StoryPlan.objects.filter(pk=late.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(editor)
    page = client.get(reverse("admin:planning_storyplan_budget", args=[issue.date.isoformat()])).content.decode()
    assert "重点工程冲刺" in page and "240" in page  # placed without a plan, with its 字数 on the page
    assert written.slug in page and article.headline in page
    assert "budget-row--late" in page
    assert reverse("admin:issues_issue_assembly", args=[issue.pk]) in page


@pytest.mark.parametrize("view", ["budget", "calendar"])
def test_the_budget_and_calendar_cost_the_same_queries_with_1_or_1000_plans(client, editor, reporter, issue, view):
    url = (reverse("admin:planning_storyplan_budget", args=[issue.date.isoformat()]) if view == "budget"
           else reverse("admin:planning_storyplan_calendar"))
    client.force_login(editor)
    make_plans(1, reporter=reporter, day=issue.date)
    queries(client, url)  # the calendar token is made on the first visit
    few = queries(client, url)
    make_plans(999, reporter=reporter, day=issue.date)
    assert queries(client, url) == few
    assert few <= 15


def test_a_reporter_sees_only_their_own_plans(client, reporter, editor, issue):
    make_plans(1, reporter=reporter, day=issue.date)
    make_plans(1, reporter=editor, day=issue.date, slug="编辑的选题")
    client.force_login(reporter)
    page = client.get(reverse("admin:planning_storyplan_calendar")).content.decode()
    assert "选题0" in page and "编辑的选题" not in page


def test_the_budget_filters_by_person_and_state(client, editor, reporter, issue):
    mine, theirs = make_plans(2, reporter=reporter, day=issue.date)
    StoryPlan.objects.filter(pk=theirs.pk).update(reporter=editor, slug="别人的")
    client.force_login(editor)
    url = reverse("admin:planning_storyplan_budget", args=[issue.date.isoformat()])
    page = client.get(url, {"person": reporter.pk}).content.decode()
    assert mine.slug in page and "别人的" not in page
    assert mine.slug not in client.get(url, {"state": "declined"}).content.decode()


def test_the_assembly_screen_marks_the_overfull_page_and_links_the_budget(client, editor, issue):
    client.force_login(editor)
    page = client.get(reverse("admin:issues_issue_assembly", args=[issue.pk])).content.decode()
    assert 'class="fit fit--over" id="fit-1"' in page
    assert 'class="fit fit--under" id="fit-2"' in page
    assert reverse("admin:planning_storyplan_budget", args=[issue.date.isoformat()]) in page


def test_deleting_a_plan_with_a_story_in_the_admin_is_refused_with_a_message(client, editor, reporter, issue):
    (plan,) = make_plans(1, reporter=reporter, day=issue.date)
    plan_approve(plan=plan, user=editor)
    plan_start_writing(plan=plan, user=reporter)
    client.force_login(editor)
    response = client.post(reverse("admin:planning_storyplan_delete", args=[plan.pk]), {"post": "yes"}, follow=True)
    assert StoryPlan.objects.filter(pk=plan.pk).exists()
    assert f"“{plan.slug}”" in response.content.decode()  # the refusal names the plan (and its story)


def test_a_stale_plan_form_is_refused_and_keeps_what_was_typed(client, editor, second_editor, reporter, issue):
    (plan,) = make_plans(1, reporter=reporter, day=issue.date)
    url = reverse("admin:planning_storyplan_change", args=[plan.pk])
    data = {"slug": "我改的名字", "summary": "……", "issue_date": issue.date.isoformat(), "page_number": 2,
            "planned_chars": 900, "photos_wanted": 0, "deadline_0": plan.deadline.date().isoformat(),
            "deadline_1": "23:00:00", "known_version": plan.version}
    plan_assign(plan=plan, user=second_editor, reporter=reporter)  # someone else, meanwhile
    client.force_login(editor)
    response = client.post(url, data)
    assert response.status_code == 200 and "我改的名字" in response.content.decode()
    plan.refresh_from_db()
    assert plan.slug == "选题0"


def test_the_assign_button_names_the_reporter_as_the_desk_knows_them(client, editor, reporter, issue):
    reporter.first_name = "左燕"
    reporter.save()
    (plan,) = make_plans(1, reporter=reporter, day=issue.date)
    client.force_login(editor)

    response = client.post(
        reverse("admin:planning_storyplan_decide", args=[plan.pk]),
        {"action": "assign", "reporter": reporter.pk, "known_version": 1},
        follow=True,
    )

    assert "稿件已派给左燕。" in response.content.decode()  # by name, not the login "zuoyan"


def test_the_assign_button_refused_for_a_second_editor_says_so(client, editor, second_editor, reporter, issue):
    (plan,) = make_plans(1, reporter=reporter, day=issue.date)
    decide = reverse("admin:planning_storyplan_decide", args=[plan.pk])
    client.force_login(editor)
    client.post(decide, {"action": "assign", "reporter": reporter.pk, "known_version": 1})
    client.force_login(second_editor)
    response = client.post(decide, {"action": "assign", "reporter": second_editor.pk, "known_version": 1}, follow=True)
    plan.refresh_from_db()
    assert plan.reporter == reporter
    assert "messagelist" in response.content.decode() and ("别人" in response.content.decode() or "Someone else" in response.content.decode())


def test_the_calendar_feed_lists_my_deadlines_and_stops_when_reset(client, editor, reporter, issue):
    (plan,) = make_plans(1, reporter=reporter, day=issue.date, summary="第一行\n第二行; 含逗号,")
    client.force_login(reporter)
    client.get(reverse("admin:planning_storyplan_calendar"))
    token = CalendarToken.objects.get(user=reporter).token
    client.logout()
    feed = client.get(reverse("planning:ical", args=[token]))
    assert feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:storyplan-{plan.pk}@" in text and "截稿：选题0" in text
    assert "第一行\\n第二行\\; 含逗号\\," in text.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    client.force_login(reporter)
    client.post(reverse("admin:planning_storyplan_token_reset"))
    client.logout()
    assert client.get(reverse("planning:ical", args=[token])).status_code == 404
    new = CalendarToken.objects.get(user=reporter).token
    assert client.get(reverse("planning:ical", args=[new])).status_code == 200


def test_the_feed_of_one_person_does_not_carry_anothers_plans(client, editor, reporter, issue):
    make_plans(1, reporter=editor, day=issue.date, slug="编辑的选题")
    client.force_login(reporter)
    client.get(reverse("admin:planning_storyplan_calendar"))
    token = CalendarToken.objects.get(user=reporter).token
    assert "编辑的选题" not in client.get(reverse("planning:ical", args=[token])).content.decode()
