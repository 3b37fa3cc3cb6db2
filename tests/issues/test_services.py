import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.roles import CHIEF, EDITOR
from issues.models import HotZone, Issue, Page, Placement
from issues.services import (
    hot_zone_save,
    issue_create,
    issue_delete,
    issue_problems,
    issue_release,
    issue_unschedule,
    issue_update,
    jump_create,
    page_create,
    page_delete,
    page_sign_off,
    page_update,
    placement_create,
    placement_delete,
    placement_move,
    teaser_create,
)
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, role_user

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def chief():
    return role_user(CHIEF, username="zhiban")


@pytest.fixture
def issue():
    """An unreleased two-page issue: a story on page 1 jumping to page 2, ready to sign off."""
    issue = IssueFactory(date=datetime.date(2999, 12, 4), release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻")
    inside = PageFactory(issue=issue, number=2, name="综合新闻")
    story = ArticleFactory(approved=True, headline="头条新闻")
    jump_create(placement=placement_create(page=front, article=story), to_page=inside, after_paragraph=2)
    return issue


def sign_off_all(issue, user):
    for page in issue.pages.all():
        page_sign_off(page=page, user=user)


def test_issue_release_of_a_complete_signed_off_issue_shows_every_page_at_once(client, issue, chief):
    sign_off_all(issue, chief)
    assert client.get(reverse("issues:page-detail", kwargs={"date": issue.date, "number": 2})).status_code == 404

    issue_release(issue=issue, user=chief)

    for number in (1, 2):
        response = client.get(reverse("issues:page-detail", kwargs={"date": issue.date, "number": number}))
        assert response.status_code == 200
        assert "头条新闻" in response.content.decode()
    issue.refresh_from_db()
    assert issue.released_by == chief


@pytest.mark.parametrize(
    "spoil, kind, says",
    [
        ("empty_page", "empty_page", "第三版是空的"),
        ("not_approved", "not_approved", "尚未审定"),
        ("jump_without_continuation", "jump_without_continuation", "上没有续文"),
        ("teaser_outside_issue", "teaser_outside_issue", "不在本期其他版面上"),
        ("not_signed_off", "not_signed_off", "尚未签发"),
        ("no_front_page", "no_front_page", "本期没有第一版"),
    ],
)
def test_issue_release_is_refused_while_a_problem_remains_and_says_which(issue, chief, spoil, kind, says):
    front, inside = issue.pages.order_by("number")
    sign_off_all(issue, chief)
    if spoil == "empty_page":
        PageFactory(issue=issue, number=3, name="专题新闻")
    elif spoil == "not_approved":
        Article.objects.filter(pk=front.placements.get().article_id).update(status=Article.Status.SECOND_PASSED)
    elif spoil == "jump_without_continuation":
        inside.placements.all().delete()
    elif spoil == "teaser_outside_issue":
        Page.objects.filter(pk=front.pk).update(signed_off_at=None)
        teaser = teaser_create(page=front, article=ArticleFactory(approved=True, headline="别处的稿件"))
        Page.objects.filter(pk=front.pk).update(signed_off_at=timezone.now(), signed_off_by=chief)
        assert teaser.pk
    elif spoil == "not_signed_off":
        Page.objects.filter(pk=inside.pk).update(signed_off_at=None, signed_off_by=None)
    elif spoil == "no_front_page":
        Page.objects.filter(pk=front.pk).update(number=3)

    assert kind in [problem.kind for problem in issue_problems(issue)]
    with pytest.raises(ValidationError) as refused:
        issue_release(issue=issue, user=chief)

    assert says in " ".join(refused.value.messages)
    assert Issue.objects.get(pk=issue.pk).release_at is None


def test_issue_without_pages_cannot_be_released(chief):
    issue = IssueFactory(release_at=None)
    with pytest.raises(ValidationError) as refused:
        issue_release(issue=issue, user=chief)
    assert "还没有版面" in " ".join(refused.value.messages)


def test_issue_release_by_an_editor_is_refused(issue, chief):
    sign_off_all(issue, chief)
    with pytest.raises(PermissionDenied):
        issue_release(issue=issue, user=role_user(EDITOR))
    assert Issue.objects.get(pk=issue.pk).release_at is None


def test_issue_scheduled_release_is_visible_exactly_from_its_time(client, issue, chief):
    sign_off_all(issue, chief)
    at = datetime.datetime(2999, 12, 4, 6, 0, tzinfo=SHANGHAI)
    url = reverse("issues:issue-detail", kwargs={"date": issue.date})
    with time_machine.travel(datetime.datetime(2999, 12, 3, 22, 0, tzinfo=SHANGHAI), tick=False):
        issue_release(issue=issue, user=chief, at=at)
        assert client.get(url).status_code == 404
    with time_machine.travel(at - datetime.timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 404
        assert client.get(reverse("issues:front")).status_code == 404
    with time_machine.travel(at, tick=False):
        assert client.get(url).status_code == 200
        assert "头条新闻" in client.get(reverse("issues:front")).content.decode()


def test_issue_scheduled_release_can_be_called_back_before_its_time(client, issue, chief):
    sign_off_all(issue, chief)
    issue_release(issue=issue, user=chief, at=timezone.now() + datetime.timedelta(hours=3))

    issue_unschedule(issue=issue, user=chief)

    assert Issue.objects.get(pk=issue.pk).release_at is None


def test_issue_released_cannot_be_called_back_or_released_again(issue, chief):
    sign_off_all(issue, chief)
    issue_release(issue=issue, user=chief)
    with pytest.raises(ValidationError):
        issue_unschedule(issue=issue, user=chief)
    with pytest.raises(ValidationError):
        issue_release(issue=issue, user=chief)


def test_page_sign_off_records_who_and_when_and_a_change_clears_it(issue, chief):
    front = issue.pages.get(number=1)
    page_sign_off(page=front, user=chief)
    front.refresh_from_db()
    assert front.signed_off_by == chief and front.signed_off_at is not None

    placement_create(page=front, article=ArticleFactory(approved=True))

    front.refresh_from_db()
    assert front.signed_off_at is None and front.signed_off_by is None


def test_page_sign_off_is_refused_while_the_page_has_problems(issue, chief):
    front = issue.pages.get(number=1)
    placement_create(page=front, article=ArticleFactory(status=Article.Status.SUBMITTED, headline="待审稿"))
    with pytest.raises(ValidationError) as refused:
        page_sign_off(page=front, user=chief)
    assert "待审稿" in " ".join(refused.value.messages)


def test_page_sign_off_by_an_editor_is_refused(issue):
    with pytest.raises(PermissionDenied):
        page_sign_off(page=issue.pages.get(number=1), user=role_user(EDITOR))


def test_placement_move_and_delete_keep_reading_order_without_gaps():
    page = PageFactory(issue=IssueFactory(release_at=None))
    first, second, third = (PlacementFactory(page=page, order=n) for n in (1, 2, 3))

    placement_move(placement=third, offset=-1)
    assert list(page.placements.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]

    placement_delete(placement=first)
    assert list(page.placements.values_list("order", flat=True)) == [1, 2]


# --- The guard: what may change ------------------------------------------------------------------


def released_paper():
    issue = IssueFactory(release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻", signed_off_at=timezone.now())
    inside = PageFactory(issue=issue, number=2, name="综合新闻")
    placement = PlacementFactory(page=front)
    Issue.objects.filter(pk=issue.pk).update(release_at=timezone.now() - datetime.timedelta(hours=1))
    return issue, front, inside, placement


@pytest.mark.parametrize(
    "change",
    [
        lambda front, inside, placement: page_update(page=front, name="改过的版名"),
        lambda front, inside, placement: page_update(page=front, slogans="新的通栏"),
        lambda front, inside, placement: page_delete(page=inside),
        lambda front, inside, placement: page_create(issue=front.issue, number=3, name="新版"),
        lambda front, inside, placement: placement_create(page=inside, article=ArticleFactory(approved=True)),
        lambda front, inside, placement: placement_delete(placement=placement),
        lambda front, inside, placement: placement_move(placement=placement, offset=1),
        lambda front, inside, placement: jump_create(placement=placement, to_page=inside, after_paragraph=2),
        lambda front, inside, placement: teaser_create(page=inside, article=placement.article),
        lambda front, inside, placement: hot_zone_save(zone=HotZone(placement=placement, x=0, y=0, width=0.5, height=0.5)),
        lambda front, inside, placement: issue_update(issue=front.issue, number=999),
        lambda front, inside, placement: issue_delete(issue=front.issue),
    ],
    ids=[
        "page name", "slogans", "page delete", "page add", "place", "take off", "move", "jump", "teaser",
        "hot zone", "issue numbers", "issue delete",
    ],
)
def test_every_service_refuses_a_released_issue_and_changes_nothing(change):
    issue, front, inside, placement = released_paper()
    before = (list(Page.objects.values()), list(Placement.objects.values()), list(Issue.objects.values()))

    with pytest.raises(ValidationError) as refused:
        change(front, inside, placement)

    assert "本期已发布" in " ".join(refused.value.messages)
    assert (list(Page.objects.values()), list(Placement.objects.values()), list(Issue.objects.values())) == before


def test_a_scheduled_issue_changes_only_after_its_release_is_called_back(chief):
    issue = IssueFactory(release_at=timezone.now() + datetime.timedelta(hours=6))
    page = PageFactory(issue=issue, number=1, name="要闻")

    with pytest.raises(ValidationError) as refused:
        page_update(page=page, name="改过的版名")
    assert "撤回定时发布" in " ".join(refused.value.messages)

    issue_unschedule(issue=issue, user=chief)
    assert page_update(page=page, name="改过的版名").name == "改过的版名"


def test_a_page_change_on_an_open_issue_takes_its_sign_off_back(issue, chief):
    front = issue.pages.get(number=1)
    page_sign_off(page=front, user=chief)

    page_update(page=front, slogans="践行嘱托开新局")

    front.refresh_from_db()
    assert (front.slogans, front.signed_off_at, front.signed_off_by) == ("践行嘱托开新局", None, None)


def test_new_issue_numbers_count_on_from_the_issues_before_its_date():
    IssueFactory(date=datetime.date(2020, 12, 3), number=141, total_number=6036)
    IssueFactory(date=datetime.date(2020, 12, 29), number=152, total_number=6047)

    between = issue_create(date=datetime.date(2020, 12, 4))
    next_year = issue_create(date=datetime.date(2021, 1, 1))

    assert (between.number, between.total_number) == (142, 6037)
    assert (next_year.number, next_year.total_number) == (1, 6048)


def test_a_storys_photo_cannot_be_placed_as_photo_news():
    from tests.factories import PhotoFactory

    page = PageFactory(issue=IssueFactory(release_at=None))
    draft_photo = PhotoFactory(article=ArticleFactory(headline="别人的草稿"))

    with pytest.raises(ValidationError):
        placement_create(page=page, photo=draft_photo)

    assert not page.placements.exists()


def test_an_approved_story_edited_on_a_signed_off_page_takes_the_sign_off_back(issue, chief):
    from articles.services import article_reopen

    front = issue.pages.get(number=1)
    page_sign_off(page=front, user=chief)
    story = front.placements.get().article

    article_reopen(article=story, user=chief)

    front.refresh_from_db()
    assert front.signed_off_at is None
    assert "not_approved" in [problem.kind for problem in issue_problems(issue)]
