"""Page plans applied when an issue is made, and 字数 against each page's capacity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from issues.fit import page_fills
from issues.models import PagePlan, PlannedPage
from issues.services import issue_create, issue_problems, jump_create, page_create, page_fit_waive, placement_create
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2030, 1, 7)
SATURDAY = datetime.date(2030, 1, 12)


def layout(name: str, weekdays: str, pages: int, dates: str = "") -> PagePlan:
    plan = PagePlan.objects.create(name=name, weekdays=weekdays, dates=dates)
    for number in range(1, pages + 1):
        PlannedPage.objects.create(plan=plan, number=number, name=f"版{number}", capacity_chars=1000 * number)
    return plan


def test_an_issue_is_made_with_its_weekdays_page_plan():
    layout("四开八版", "12345", 8)
    layout("周末四版", "67", 4)
    weekday, weekend = issue_create(date=MONDAY), issue_create(date=SATURDAY)
    assert list(weekday.pages.values_list("number", "capacity_chars")) == [(n, 1000 * n) for n in range(1, 9)]
    assert weekend.pages.count() == 4


def test_a_special_day_wins_over_the_weekday():
    layout("四开八版", "12345", 8)
    layout("国庆特刊", "", 16, dates="2030-01-07")
    assert issue_create(date=MONDAY).pages.count() == 16


def test_without_a_page_plan_an_issue_starts_empty():
    assert issue_create(date=MONDAY).pages.count() == 0


def paragraphs(count: int, text: str = "全区重点工程进度超过序时") -> str:
    return "".join(f"<p>{text}{n}。</p>" for n in range(count))


def test_a_story_counts_on_each_page_only_the_part_before_and_after_its_jump():
    issue = issue_create(date=MONDAY)
    front = page_create(issue=issue, number=1, name="要闻", capacity_chars=100)
    inside = page_create(issue=issue, number=2, name="综合", capacity_chars=1000)
    story = ArticleFactory(approved=True, body=paragraphs(10), dateline="")
    placement = placement_create(page=front, article=story)
    jump_create(placement=placement, to_page=inside, after_paragraph=3)
    fills = page_fills(issue=issue)
    per_paragraph = 14  # 12 characters, a digit, the full stop
    assert fills[front.pk].placed == 3 * per_paragraph
    assert fills[inside.pk].placed == 7 * per_paragraph


def test_an_overfull_page_holds_the_release_until_the_chief_gives_a_reason(editor, chief):
    issue = issue_create(date=MONDAY)
    front = page_create(issue=issue, number=1, name="要闻", capacity_chars=50)
    placement_create(page=front, article=ArticleFactory(approved=True, body=paragraphs(10)))
    assert "overfull" in {problem.kind for problem in issue_problems(issue)}
    with pytest.raises(PermissionDenied):
        page_fit_waive(page=front, user=editor, reason="重要稿件")
    with pytest.raises(ValidationError):
        page_fit_waive(page=front, user=chief, reason=" ")
    page_fit_waive(page=front, user=chief, reason="重要稿件，缩小图片")
    assert "overfull" not in {problem.kind for problem in issue_problems(issue)}
    front.refresh_from_db()
    assert front.fit_waived_by == chief and front.fit_waiver_reason == "重要稿件，缩小图片"
    # More text on the page after the reason was given: the page is a problem again.
    placement_create(page=front, article=ArticleFactory(approved=True, body=paragraphs(2)))
    assert "overfull" in {problem.kind for problem in issue_problems(issue)}


def test_a_page_within_the_margin_is_no_problem(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PAGE_FIT_MARGIN": 10}
    issue = issue_create(date=MONDAY)
    front = page_create(issue=issue, number=1, name="要闻", capacity_chars=130)
    placement_create(page=front, article=ArticleFactory(approved=True, body=paragraphs(10), dateline=""))  # 140
    fill = page_fills(issue=issue)[front.pk]
    assert fill.placed == 140 and fill.state == "fits"
    assert "overfull" not in {problem.kind for problem in issue_problems(issue)}


def assembly_queries(client, issue) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("admin:issues_issue_assembly", args=[issue.pk])
    client.get(url)  # proofread once: a story checked against older lists is checked on the first load
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("pages", [1, 8])
def test_the_assembly_screen_reads_the_issue_once_in_the_same_few_queries_whatever_it_holds(
    client, editor, pages
):
    from issues.services import teaser_create

    client.force_login(editor)
    issue = issue_create(date=datetime.date(2026, 12, 2), page_plan=False)
    made = [page_create(issue=issue, number=n, name="要闻") for n in range(1, pages + 1)]
    placed = [
        placement_create(page=page, article=ArticleFactory(body=paragraphs(6), status="approved"))
        for page in made
        for _n in range(4)
    ]
    if pages > 1:
        placement = placed[0]  # the front page's lead story continues on the last page
        jump_create(placement=placement, to_page=made[-1], after_paragraph=2)
        teaser_create(page=made[0], article=placement.article, label="导读")
    # Session, user, issue, two permission lookups, then pages, placements with their jumps, photos,
    # teasers, 校对's lists, checks and hits, released?, open?, and the stories to place: 15 in all.
    assert assembly_queries(client, issue) == 15
