"""The one door for story plans: propose (报题), approve, turn down, assign (派题), start writing, delete.

Every change is made on a locked row and checks the version the person started from, so when two
editors assign the same plan at once the second is refused with a message and nothing is lost.
"""

import datetime
import html

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.models import Article
from articles.planning.models import CalendarToken, PlanningEvent, StoryPlan, new_token
from articles.services import article_create
from issues.numerals import page_label
from newsroom.people import person_name

Status = StoryPlan.Status

# The fields a person types into a plan; state, people and the story change through the services.
PLAN_FIELDS = ("slug", "summary", "issue_date", "page_number", "planned_chars", "photos_wanted", "deadline")


def can_plan(user: AbstractBaseUser) -> bool:
    """Editors and the chief approve, assign and turn down plans."""
    return user.has_perm("planning.plan_stories")


def can_file(user: AbstractBaseUser) -> bool:
    """Someone a story can be assigned to: active desk staff who may file stories."""
    return user.is_active and user.is_staff and user.has_perm("articles.add_article")


def pages_for(date: datetime.date) -> set[int] | None:
    """The page numbers the issue of that date has, or its page plan will give it; None if neither is known."""
    from issues.models import Issue, PagePlan

    issue = Issue.objects.filter(date=date).first()
    if issue is not None:
        numbers = set(issue.pages.values_list("number", flat=True))
        if numbers:
            return numbers
    plan = PagePlan.objects.for_date(date)
    if plan is not None:
        return set(plan.slots.values_list("number", flat=True)) or None
    return None


def plan_check_page(*, issue_date: datetime.date | None, page_number: int | None) -> None:
    """Refuse a page the day's issue (or its page plan) does not have."""
    if issue_date is None or page_number is None:
        return
    numbers = pages_for(issue_date)
    if numbers is not None and page_number not in numbers:
        raise ValidationError(
            {
                "page_number": _("The issue of {date} has no {page}: its pages are {pages}.").format(
                    date=date_format(issue_date, "DATE_FORMAT"),
                    page=page_label(page_number),
                    pages="、".join(page_label(number) for number in sorted(numbers)),
                )
            }
        )


def _check_deadline(deadline: datetime.datetime | None) -> None:
    if deadline is not None and deadline < timezone.now():
        raise ValidationError({"deadline": _("The deadline has already passed: give a time still to come.")})


def _check_version(locked: StoryPlan, known_version: int | None) -> None:
    if known_version is not None and known_version != locked.version:
        raise ValidationError(
            _(
                "Someone else changed this plan while you had it open (it is now {who}'s, {state}). "
                "Your change was not saved: reload the plan and decide again."
            ).format(who=locked.reporter or locked.proposed_by, state=locked.get_status_display()),
            code="stale_version",
        )


def _locked(plan: StoryPlan) -> StoryPlan:
    return StoryPlan.objects.select_for_update(of=("self",)).select_related("reporter", "proposed_by", "article").get(pk=plan.pk)


def _save(locked: StoryPlan, plan: StoryPlan) -> StoryPlan:
    locked.version += 1
    locked.full_clean()
    locked.save()
    for field in locked._meta.concrete_fields:  # the caller's instance follows the saved row
        setattr(plan, field.attname, getattr(locked, field.attname))
    return locked


@transaction.atomic
def plan_propose(*, user: AbstractBaseUser, **fields) -> StoryPlan:
    """报题: a reporter (or an editor) proposes a story; the proposer is its reporter until assigned."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not plan fields: {sorted(unknown)}")
    if not user.has_perm("planning.add_storyplan"):
        raise PermissionDenied(_("You cannot propose stories."))
    plan = StoryPlan(proposed_by=user, reporter=user if can_file(user) else None, **fields)
    _check_deadline(plan.deadline)
    plan.full_clean()
    plan_check_page(issue_date=plan.issue_date, page_number=plan.page_number)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: StoryPlan, user: AbstractBaseUser, known_version: int | None = None, **fields) -> StoryPlan:
    """Change what a plan says: editors at any time, the proposer while it waits for approval."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not plan fields: {sorted(unknown)}")
    locked = _locked(plan)
    if not (can_plan(user) or (locked.proposed_by_id == user.pk and locked.status == Status.PROPOSED)):
        raise PermissionDenied(_("Only an editor can change a plan once it is approved."))
    _check_version(locked, known_version)
    if "deadline" in fields and fields["deadline"] != locked.deadline:
        _check_deadline(fields["deadline"])
    for name, value in fields.items():
        setattr(locked, name, value)
    plan_check_page(issue_date=locked.issue_date, page_number=locked.page_number)
    return _save(locked, plan)


@transaction.atomic
def plan_approve(*, plan: StoryPlan, user: AbstractBaseUser, known_version: int | None = None) -> StoryPlan:
    """An editor takes the proposal into the paper."""
    if not can_plan(user):
        raise PermissionDenied(_("Only editors approve story plans."))
    locked = _locked(plan)
    _check_version(locked, known_version)
    if locked.status != Status.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be approved (this one is {state}).").format(
            state=locked.get_status_display()))
    locked.status = Status.APPROVED
    locked.decline_reason = ""
    return _save(locked, plan)


@transaction.atomic
def plan_decline(
    *, plan: StoryPlan, user: AbstractBaseUser, reason: str, known_version: int | None = None
) -> StoryPlan:
    """An editor turns the proposal down, saying why (the reporter reads it)."""
    if not can_plan(user):
        raise PermissionDenied(_("Only editors turn story plans down."))
    if not reason.strip():
        raise ValidationError(_("Say why the plan is turned down: the reporter reads it."))
    locked = _locked(plan)
    _check_version(locked, known_version)
    if locked.article_id is not None:
        raise ValidationError(_("The story is already being written: withdraw or hold the story instead."))
    locked.status = Status.DECLINED
    locked.decline_reason = reason.strip()
    return _save(locked, plan)


@transaction.atomic
def plan_assign(
    *,
    plan: StoryPlan,
    user: AbstractBaseUser,
    reporter: AbstractBaseUser,
    photographer: AbstractBaseUser | None = None,
    known_version: int | None = None,
) -> StoryPlan:
    """派题: an editor gives the plan to a reporter (and a photographer)."""
    if not can_plan(user):
        raise PermissionDenied(_("Only editors assign stories."))
    for person in (reporter, photographer):
        if person is not None and not can_file(person):
            raise ValidationError(
                _("{person} cannot be assigned a story: only active reporters and editors who file stories can.").format(
                    person=person_name(person)
                )
            )
    locked = _locked(plan)
    _check_version(locked, known_version)
    if locked.status == Status.DECLINED:
        raise ValidationError(_("This plan was turned down: approve it again before assigning it."))
    if locked.article_id is not None and locked.reporter_id != reporter.pk:
        raise ValidationError(_("The story is already being written by {who}.").format(who=locked.reporter))
    locked.reporter = reporter
    locked.photographer = photographer
    locked.status = Status.ASSIGNED
    return _save(locked, plan)


@transaction.atomic
def plan_start_writing(*, plan: StoryPlan, user: AbstractBaseUser) -> Article:
    """"Start writing": the draft story made from the plan, its reporter the owner, linked to the plan."""
    locked = _locked(plan)
    if locked.article_id is not None:
        return locked.article
    if locked.status not in (Status.APPROVED, Status.ASSIGNED):
        raise ValidationError(_("Only an approved or assigned plan can be written (this one is {state}).").format(
            state=locked.get_status_display()))
    if user.pk != locked.reporter_id:
        raise PermissionDenied(_("Only the plan's reporter starts writing it."))
    if not user.has_perm("articles.add_article"):
        raise PermissionDenied(_("You cannot file stories."))
    article = article_create(
        user=user,
        headline=locked.slug,
        byline=person_name(user),
        body="<p>{}</p>".format(_("(Plan: {summary})").format(summary=html.escape(locked.summary))),
    )
    locked.article = article
    _save(locked, plan)
    return article


@transaction.atomic
def plan_delete(*, plan: StoryPlan, user: AbstractBaseUser) -> None:
    """Remove a plan made by mistake; a plan with a story is kept (and so is the story)."""
    locked = _locked(plan)
    if not (can_plan(user) or (locked.proposed_by_id == user.pk and locked.status == Status.PROPOSED)):
        raise PermissionDenied(_("Only an editor can delete a plan once it is approved."))
    if locked.article_id is not None:
        raise ValidationError(
            _("“{slug}” has a story (“{headline}”): the plan is kept with it. Turn it down or withdraw the story instead.").format(
                slug=locked.slug, headline=locked.article.headline
            )
        )
    locked.delete()


@transaction.atomic
def calendar_token_for(*, user: AbstractBaseUser) -> CalendarToken:
    """This person's calendar-feed token, made the first time it is asked for."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_token_reset(*, user: AbstractBaseUser) -> CalendarToken:
    """A new secret for this person's feed: every calendar subscribed to the old address stops getting it."""
    token = calendar_token_for(user=user)
    token.token = new_token()
    token.created_at = timezone.now()
    token.full_clean()
    token.save()
    return token


def assignable_people():
    """People a plan can be given to: active staff who may file stories (a plain list: a desk has dozens)."""
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="add_article", groups__permissions__content_type__app_label="articles")
            | Q(user_permissions__codename="add_article", user_permissions__content_type__app_label="articles")
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def planning_event_save(*, event: PlanningEvent) -> PlanningEvent:
    """Put a known event, anniversary or meeting on the planning calendar, or change it."""
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def planning_event_delete(*, event: PlanningEvent) -> None:
    """Take an event off the planning calendar."""
    event.delete()
