"""The one door for every write to the paper: issues, pages, placements, jumps, teasers, hot zones.

Every service asks one guard first (``issue_check_open``): an open issue changes freely, a
scheduled one only after its release is called back, and a released one not at all (a released
story changes through a correction or a withdrawal, in articles.services). Every change to a
page clears its sign-off (``page_sign_off_clear``), so what the chief attested is what prints.
The admin's screens, the importer and the print-PDF split all call these. The one page write
that skips the guard is 撤稿's redaction of the page files (``page_redact_withdrawn``): a
withdrawal is a door a released issue keeps open.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from articles.models import Article, ArticleQuerySet, Photo
from issues.models import HotZone, Issue, Jump, Page, PagePlan, PlannedPage, Placement, Teaser
from issues.numerals import page_label
from issues.redaction import masked_image

if TYPE_CHECKING:  # articles.proofing reads this module's Problem: imported where used
    from articles.proofing.services import IssueProofing


logger = logging.getLogger(__name__)

# Papers go to readers early in the morning of their publication date.
DEFAULT_RELEASE_TIME = datetime.time(6, 0)


def _next_order(queryset) -> int:
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 1


def issue_check_open(issue: Issue) -> None:
    """The guard every write asks first: refuse changes to an issue that is released or scheduled."""
    if not Issue.objects.not_open().filter(pk=issue.pk).exists():
        return
    if _is_released(issue):
        raise ValidationError(
            _("This issue is released: its pages no longer change. Withdraw or correct a story instead."),
            code="released",
        )
    raise ValidationError(
        _("This issue is scheduled for release: call the release back before changing its pages."),
        code="scheduled",
    )


def _is_released(issue: Issue) -> bool:
    # The publication rule's time half, asked of one row (IssueQuerySet.released_q is the rule).
    return Issue.objects.released().filter(pk=issue.pk).exists()


def issue_is_open(issue: Issue) -> bool:
    """Whether the guard lets the issue change now (for showing screens read-only)."""
    try:
        issue_check_open(issue)
    except ValidationError:
        return False
    return True


def proposed_issue_date() -> datetime.date:
    """The next day from today that has no issue yet: what the desk is usually making."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    taken = set(Issue.objects.filter(date__gte=day).values_list("date", flat=True)[:366])
    while day in taken:
        day += datetime.timedelta(days=1)
    return day


def issue_numbers_for(date: datetime.date) -> tuple[int, int]:
    """第N期 and 总第N期 for a new issue on this date, counted from the issues before it."""
    before = Issue.objects.filter(date__lt=date)
    number = before.filter(date__year=date.year).aggregate(last=Max("number"))["last"] or 0
    total = before.aggregate(last=Max("total_number"))["last"] or 0
    return number + 1, total + 1


def proposed_release_at(issue: Issue) -> datetime.datetime:
    """06:00 on the publication date, or now if that has passed."""
    at = timezone.make_aware(datetime.datetime.combine(issue.date, DEFAULT_RELEASE_TIME))
    return max(at, timezone.now())


# --- Issues and pages ----------------------------------------------------------------------------

ISSUE_FIELDS = ("date", "number", "total_number")
PAGE_FIELDS = ("number", "name", "editor", "slogans", "image", "pdf", "capacity_chars", "photo_area")


@transaction.atomic
def issue_create(
    *,
    date: datetime.date,
    number: int | None = None,
    total_number: int | None = None,
    page_plan: bool = True,
) -> Issue:
    """A new, unreleased issue with the pages of its day's page plan (if the paper has one);
    numbers left out are counted on from the issues before its date."""
    proposed_number, proposed_total = issue_numbers_for(date)
    issue = Issue(
        date=date,
        number=number or proposed_number,
        total_number=total_number or proposed_total,
        release_at=None,
    )
    issue.full_clean()
    issue.save()
    plan = PagePlan.objects.for_date(date) if page_plan else None
    if plan is not None:
        issue_apply_page_plan(issue=issue, plan=plan)
    return issue


@transaction.atomic
def issue_apply_page_plan(*, issue: Issue, plan: PagePlan) -> list[Page]:
    """Add the layout's pages the issue does not have yet (a page already there is left as it is)."""
    issue_check_open(issue)
    taken = set(issue.pages.values_list("number", flat=True))
    return [
        page_create(
            issue=issue,
            number=slot.number,
            name=slot.name,
            editor=slot.editor,
            capacity_chars=slot.capacity_chars,
            photo_area=slot.photo_area,
        )
        for slot in plan.slots.select_related("editor").order_by("number")
        if slot.number not in taken
    ]


@transaction.atomic
def page_plan_save(*, plan: PagePlan) -> PagePlan:
    """Make or change a standing layout (its pages are saved with planned_page_save)."""
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def planned_page_save(*, slot: PlannedPage) -> PlannedPage:
    """Add or change one page of a standing layout; issues already made keep their pages."""
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def planned_page_delete(*, slot: PlannedPage) -> None:
    """Take a page out of a standing layout; issues already made keep theirs."""
    slot.delete()


@transaction.atomic
def page_plan_delete(*, plan: PagePlan) -> None:
    """Delete a standing layout; issues already made keep their pages."""
    plan.delete()


@transaction.atomic
def issue_update(*, issue: Issue, **fields) -> Issue:
    """Change an open issue's date or numbers."""
    unknown = set(fields) - set(ISSUE_FIELDS)
    if unknown:
        raise ValueError(f"Not issue fields: {sorted(unknown)}")
    issue_check_open(issue)
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    page_sign_off_clear(pages=list(locked.pages.all()))
    return locked


@transaction.atomic
def issue_delete(*, issue: Issue) -> None:
    """Delete an issue made by mistake, with its pages; only while it is open."""
    issue_check_open(issue)
    issue.delete()


@transaction.atomic
def page_create(*, issue: Issue, number: int, name: str, **fields) -> Page:
    """Add a page to an open issue."""
    unknown = set(fields) - set(PAGE_FIELDS)
    if unknown:
        raise ValueError(f"Not page fields: {sorted(unknown)}")
    issue_check_open(issue)
    page = Page(issue=issue, number=number, name=name, **fields)
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def page_update(*, page: Page, **fields) -> Page:
    """Change a page's name, slogans, editor, number or files; a signed-off page loses its sign-off."""
    unknown = set(fields) - set(PAGE_FIELDS)
    if unknown:
        raise ValueError(f"Not page fields: {sorted(unknown)}")
    stored = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
    issue_check_open(stored.issue)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    page_sign_off_clear(pages=[stored])
    stored.refresh_from_db(fields=["signed_off_by", "signed_off_at"])
    return stored


@transaction.atomic
def page_delete(*, page: Page) -> None:
    """Delete a page added by mistake, with what is placed on it; only while its issue is open."""
    issue_check_open(page.issue)
    page.delete()


@transaction.atomic
def page_redact_withdrawn(*, page: Page) -> Page:
    """撤稿 on the page files: mask every withdrawn story's zones on the page image, withhold the PDF.

    Asked of released pages too (issues/redaction.py says how and why), so no issue_check_open:
    a withdrawal is one of the two changes a released issue takes. An open page loses its sign-off.
    """
    page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
    withdrawn = page.placements.filter(article__status=Article.Status.WITHDRAWN)
    zones = list(HotZone.objects.filter(placement__in=withdrawn).values_list("x", "y", "width", "height"))
    unmasked = withdrawn.exclude(hot_zones__isnull=False).exists()
    to_delete = []

    # Masked from the image readers see now: the print, an earlier masked copy (painting the
    # same zones again changes nothing) or an image the desk uploaded since.
    source = page.image
    if source:
        if not page.printed_image:
            page.printed_image.name = page.image.name  # the file stays; only its owner field changes
        else:
            to_delete.append(page.image.name)  # the print is kept already; this one is superseded
        if unmasked:
            page.image = ""  # a withdrawn story without a zone: nothing shows where it is
        else:
            try:
                masked = masked_image(source, zones)
                page.image.save(masked.name, masked, save=False)  # a new random name: a new address
            except (OSError, Image.DecompressionBombError):
                logger.exception("Could not mask the page image of %s; withholding it", page)
                page.image = ""
    if page.pdf:
        if page.withheld_pdf:
            to_delete.append(page.pdf.name)  # a corrected PDF that now needs correcting again
        else:
            page.withheld_pdf.name = page.pdf.name
        page.pdf = ""
    page.full_clean()
    page.save()
    if issue_is_open(page.issue):
        page_sign_off_clear(pages=[page])
        page.refresh_from_db(fields=["signed_off_by", "signed_off_at"])
    storage = page.image.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in to_delete])
    return page


def pages_redact_for(*, article: Article) -> list[Page]:
    """Redact every page with files the article is placed on.

    Unreleased pages too: an issue released after the withdrawal must not carry the story in
    its page image, whether or not the desk remembers to replace it.
    """
    pages = Page.objects.filter(placements__article=article).exclude(image="", pdf="").distinct()
    return [page_redact_withdrawn(page=page) for page in pages]


@transaction.atomic
def hot_zone_save(*, zone: HotZone) -> HotZone:
    """Draw or redraw a story's clickable area on its page image."""
    page = zone.placement.page
    issue_check_open(page.issue)
    if zone.pk:
        stored = HotZone.objects.filter(pk=zone.pk, placement__page=page).exists()
        if not stored:
            raise ValidationError(_("This zone is not on this page."))
    zone.full_clean()
    zone.save()
    page_sign_off_clear(pages=[page])
    return zone


@transaction.atomic
def hot_zone_delete(*, zone: HotZone) -> None:
    """Remove a clickable area from its page image."""
    page = zone.placement.page
    issue_check_open(page.issue)
    zone.delete()
    page_sign_off_clear(pages=[page])


# --- Placements, jumps, teasers ------------------------------------------------------------------


@transaction.atomic
def placement_create(
    *, page: Page, article: Article | None = None, photo: Photo | None = None, order: int | None = None
) -> Placement:
    """Put a story (or a photo as photo news) on a page, last in reading order unless told otherwise."""
    issue_check_open(page.issue)
    if photo is not None and photo.article_id is not None:
        # A story's photo goes public with its story; photo news is a photo filed on its own.
        raise ValidationError(_("Only photo news (a photo without a story) is placed on a page by itself."))
    if order is None:
        order = _next_order(page.placements.all())
    placement = Placement(page=page, article=article, photo=photo, order=order)
    placement.full_clean()
    placement.save()
    page_sign_off_clear(pages=[page])
    return placement


@transaction.atomic
def jump_create(*, placement: Placement, to_page: Page, after_paragraph: int) -> Jump:
    """Continue a story from its placement on a later page of the same issue, placing the continuation there."""
    if to_page.issue_id != placement.page.issue_id:
        raise ValidationError(_("A story can only continue within its own issue."))
    issue_check_open(placement.page.issue)
    jump = Jump(placement=placement, to_page=to_page, after_paragraph=after_paragraph)
    jump.full_clean()
    jump.save()
    jump_place_continuation(jump=jump)
    page_sign_off_clear(pages=[placement.page, to_page])
    return jump


@transaction.atomic
def jump_place_continuation(*, jump: Jump) -> Placement:
    """Make sure the page a jump leads to carries the rest of the story."""
    existing = jump.to_page.placements.filter(article=jump.placement.article_id).first()
    return existing or placement_create(page=jump.to_page, article=jump.placement.article)


@transaction.atomic
def teaser_create(
    *, page: Page, article: Article, label: str = "", headline: str = "", order: int | None = None
) -> Teaser:
    """Point from a page at a story placed elsewhere in the same issue."""
    issue_check_open(page.issue)
    if order is None:
        order = _next_order(page.teasers.all())
    teaser = Teaser(page=page, article=article, label=label, headline=headline, order=order)
    teaser.full_clean()
    teaser.save()
    page_sign_off_clear(pages=[page])
    return teaser


@transaction.atomic
def placement_delete(*, placement: Placement) -> None:
    """Take a story off its page, with the jump it made from there."""
    page = placement.page
    issue_check_open(page.issue)
    placement.delete()
    _renumber(page)
    page_sign_off_clear(pages=[page])


@transaction.atomic
def placement_move(*, placement: Placement, offset: int) -> None:
    """Move a story up (negative offset) or down the page's reading order."""
    page = placement.page
    issue_check_open(page.issue)
    placements = list(page.placements.select_for_update().order_by("order", "pk"))
    index = next(i for i, each in enumerate(placements) if each.pk == placement.pk)
    target = max(0, min(len(placements) - 1, index + offset))
    placements.insert(target, placements.pop(index))
    _renumber(page, placements)
    page_sign_off_clear(pages=[page])


def _renumber(page: Page, placements: list[Placement] | None = None) -> None:
    if placements is None:
        placements = list(page.placements.order_by("order", "pk"))
    for order, each in enumerate(placements, start=1):
        if each.order != order:
            each.order = order
            each.save(update_fields=["order"])


@transaction.atomic
def jump_delete(*, jump: Jump) -> None:
    """Let the story end on its page again; its continuation stays placed until removed."""
    pages = [jump.placement.page, jump.to_page]
    issue_check_open(jump.to_page.issue)
    jump.delete()
    page_sign_off_clear(pages=pages)


@transaction.atomic
def teaser_delete(*, teaser: Teaser) -> None:
    """Remove a teaser from its page."""
    page = teaser.page
    issue_check_open(page.issue)
    teaser.delete()
    page_sign_off_clear(pages=[page])


# --- Sign-off and release ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something that keeps an issue from being released, and the page it is on."""

    kind: str
    message: str
    page: Page | None = None


@dataclass(frozen=True)
class IssueLayout:
    """An issue's pages and what is on them, read once and shared by the release checks and 校对.

    ``placements`` are in reading order (page number, order) with their article and photo and an
    ``is_approved`` annotation; ``jumps`` are the jumps out of those placements.
    """

    pages: list[Page]
    placements: list[Placement]
    jumps: list[Jump]
    teasers: list[Teaser]


def placements_for_layout(issue: Issue):
    """The placements query an IssueLayout needs; callers may add their own joins to it."""
    return (
        Placement.objects.filter(page__issue=issue)
        .select_related("article", "photo", "jump__to_page")
        .annotate(is_approved=ExpressionWrapper(ArticleQuerySet.approved_q("article__"), output_field=BooleanField()))
    )


def issue_layout(
    issue: Issue, *, pages: list[Page] | None = None, placements=None, teasers: list[Teaser] | None = None
) -> IssueLayout:
    """The issue's layout in three queries, or none for the parts the caller has already read."""
    pages = sorted(pages if pages is not None else issue.pages.all(), key=lambda page: page.number)
    number = {page.pk: page.number for page in pages}
    placements = sorted(
        placements if placements is not None else placements_for_layout(issue),
        key=lambda placement: (number[placement.page_id], placement.order, placement.pk),
    )
    by_id = {page.pk: page for page in pages}
    for placement in placements:
        placement.page = by_id[placement.page_id]  # the page read above, not a query per placement
    # The jump came with its placement (select_related): no query of its own.
    jumps = [placement.jump for placement in placements if getattr(placement, "jump", None) is not None]
    if teasers is None:
        teasers = list(Teaser.objects.filter(page__issue=issue).select_related("article"))
    return IssueLayout(pages=pages, placements=placements, jumps=jumps, teasers=teasers)


def issue_problems(
    issue: Issue,
    *,
    sign_off: bool = True,
    proofing: "IssueProofing | None" = None,
    layout: IssueLayout | None = None,
) -> list[Problem]:
    """Everything still wrong with the issue, page by page, in page order (a fixed few queries).

    ``proofing`` (``articles.proofing.services.issue_proofing``) and ``layout`` (``issue_layout``)
    are passed by a caller that has read them already.
    """
    layout = layout or issue_layout(issue)
    pages, placements, jumps, teasers = layout.pages, layout.placements, layout.jumps, layout.teasers
    if not pages:
        return [Problem("no_pages", _("The issue has no pages yet."))]
    by_id = {page.pk: page for page in pages}
    placed = {(p.page_id, p.article_id) for p in placements if p.article_id}
    problems: dict[int, list[Problem]] = {page.pk: [] for page in pages}
    for placement in placements:
        if placement.article_id and not placement.is_approved:
            page = by_id[placement.page_id]
            problems[page.pk].append(
                Problem(
                    "not_approved",
                    _("{page}: “{headline}” is not approved ({status}).").format(
                        page=page.label,
                        headline=placement.article.headline,
                        status=placement.article.get_status_display(),
                    ),
                    page,
                )
            )
        if placement.photo_id and placement.photo.image_pending:
            page = by_id[placement.page_id]
            problems[page.pk].append(
                Problem(
                    "image_pending",
                    _("{page}: the photo news “{caption}” is still waiting for its image.").format(
                        page=page.label, caption=placement.photo.caption[:30]
                    ),
                    page,
                )
            )
    for jump in jumps:
        if jump.to_page_id not in by_id:
            page = by_id[jump.placement.page_id]
            problems[page.pk].append(
                Problem(
                    "jump_outside_issue",
                    _("{page}: “{headline}” jumps to a page of another issue.").format(
                        page=page.label, headline=jump.placement.article.headline
                    ),
                    page,
                )
            )
        elif (jump.to_page_id, jump.placement.article_id) not in placed:
            page = by_id[jump.placement.page_id]
            problems[page.pk].append(
                Problem(
                    "jump_without_continuation",
                    _("{page}: “{headline}” jumps to {to_page}, which does not carry the rest.").format(
                        page=page.label, headline=jump.placement.article.headline, to_page=by_id[jump.to_page_id].label
                    ),
                    page,
                )
            )
    for teaser in teasers:
        elsewhere = any(
            page_id != teaser.page_id and article_id == teaser.article_id for page_id, article_id in placed
        )
        if not elsewhere:
            page = by_id[teaser.page_id]
            problems[page.pk].append(
                Problem(
                    "teaser_outside_issue",
                    _("{page}: the teaser “{headline}” points at a story not placed in this issue.").format(
                        page=page.label, headline=teaser.display_headline
                    ),
                    page,
                )
            )
    # 校对 (articles.proofing): blocking proofreading hits neither fixed nor waived hold the release.
    from articles.proofing.services import issue_proofing_problems

    for problem in issue_proofing_problems(issue=issue, pages=pages, proofing=proofing, layout=layout):
        problems[problem.page.pk].append(problem)
    # 超版 (issue #14): a page carrying more 字数 than its capacity and the margin allow.
    from issues.fit import overfull_problems

    for problem in overfull_problems(pages=pages, placements=placements, jumps=jumps):
        problems[problem.page.pk].append(problem)
    counts = {page.pk: 0 for page in pages}
    for placement in placements:
        counts[placement.page_id] += 1
    ordered: list[Problem] = []
    if pages[0].number != 1:
        front = page_label(1)
        ordered.append(Problem("no_front_page", _("The issue has no {page}.").format(page=front)))
    for page in pages:
        if not counts[page.pk]:
            ordered.append(Problem("empty_page", _("{page} is empty.").format(page=page.label), page))
        ordered.extend(problems[page.pk])
        if sign_off and page.signed_off_at is None:
            ordered.append(
                Problem("not_signed_off", _("{page} is not signed off.").format(page=page.label), page)
            )
    return ordered


@transaction.atomic
def page_sign_off(*, page: Page, user: AbstractBaseUser) -> Page:
    """值班总编签发: the duty editor attests the page as it stands now."""
    if not user.has_perm("issues.sign_off_page"):
        raise PermissionDenied(gettext_lazy("Only the duty chief editor can sign off pages."))
    page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
    issue_check_open(page.issue)
    problems = [p for p in issue_problems(page.issue, sign_off=False) if p.page and p.page.pk == page.pk]
    if problems:
        raise ValidationError([problem.message for problem in problems], code="page_problems")
    page.signed_off_by = user
    page.signed_off_at = timezone.now()
    page.save(update_fields=["signed_off_by", "signed_off_at"])
    return page


@transaction.atomic
def page_sign_off_revoke(*, page: Page, user: AbstractBaseUser) -> Page:
    """Take back a page's sign-off so it can change again."""
    if not user.has_perm("issues.sign_off_page"):
        raise PermissionDenied(gettext_lazy("Only the duty chief editor can sign off pages."))
    issue_check_open(page.issue)
    page_sign_off_clear(pages=[page])
    page.refresh_from_db()
    return page


def page_sign_off_clear(*, pages: list[Page]) -> None:
    """A change to a page voids its sign-off: what was attested is no longer what is printed."""
    Page.objects.filter(pk__in=[page.pk for page in pages], signed_off_at__isnull=False).update(
        signed_off_by=None, signed_off_at=None
    )


@transaction.atomic
def issue_release(
    *, issue: Issue, user: AbstractBaseUser, at: datetime.datetime | None = None
) -> Issue:
    """Release the whole issue at once, now or at a set time, if nothing is wrong with it."""
    if not user.has_perm("issues.release_issue"):
        raise PermissionDenied(gettext_lazy("Only the chief editor can release issues."))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue_check_open(issue)  # says whether it is released or only scheduled
    problems = issue_problems(issue)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="issue_problems")
    now = timezone.now()
    # One column decides what readers see, so every page goes live in the same instant.
    issue.release_at = max(at, now) if at is not None else now
    issue.released_by = user
    issue.full_clean()
    issue.save(update_fields=["release_at", "released_by", "updated_at"])
    return issue


@transaction.atomic
def issue_unschedule(*, issue: Issue, user: AbstractBaseUser) -> Issue:
    """Call back a scheduled release before its time."""
    if not user.has_perm("issues.release_issue"):
        raise PermissionDenied(gettext_lazy("Only the chief editor can release issues."))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.release_at is None:
        return issue
    if _is_released(issue):
        raise ValidationError(_("This issue is already released and cannot be called back."))
    issue.release_at = None
    issue.released_by = None
    issue.save(update_fields=["release_at", "released_by", "updated_at"])
    return issue


@transaction.atomic
def page_fit_waive(*, page: Page, user: AbstractBaseUser, reason: str) -> Page:
    """超版 accepted: the chief lets a page run over its capacity, with a reason (kept on the page and logged)."""
    from issues.fit import page_fills

    if not user.has_perm("issues.release_issue"):
        raise PermissionDenied(gettext_lazy("Only the chief editor can let a page run over."))
    if not reason.strip():
        raise ValidationError(_("Say why the page may run over its capacity."))
    page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
    issue_check_open(page.issue)
    fill = page_fills(issue=page.issue)[page.pk]
    page.fit_waiver_reason = reason.strip()
    page.fit_waived_by = user
    page.fit_waived_at = timezone.now()
    page.fit_waived_chars = fill.placed
    page.full_clean()
    page.save(update_fields=["fit_waiver_reason", "fit_waived_by", "fit_waived_at", "fit_waived_chars"])
    logger.info("%s: %s lets %s run over (%s of %s characters): %s", page.issue, user, page.label,
                fill.placed, page.capacity_chars, page.fit_waiver_reason)
    return page
