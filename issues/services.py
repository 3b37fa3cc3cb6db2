"""Writes that span several rows: placing stories, setting jumps and teasers, signing off and releasing."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, ArticleQuerySet, Photo
from issues.models import Issue, Jump, Page, Placement, Teaser


def _next_order(queryset) -> int:
    return (queryset.aggregate(last=Max("order"))["last"] or 0) + 1


@transaction.atomic
def placement_create(
    *, page: Page, article: Article | None = None, photo: Photo | None = None, order: int | None = None
) -> Placement:
    """Put a story (or a photo as photo news) on a page, last in reading order unless told otherwise."""
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
    placement.delete()
    _renumber(page)
    page_sign_off_clear(pages=[page])


@transaction.atomic
def placement_move(*, placement: Placement, offset: int) -> None:
    """Move a story up (negative offset) or down the page's reading order."""
    page = placement.page
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
    jump.delete()
    page_sign_off_clear(pages=pages)


@transaction.atomic
def teaser_delete(*, teaser: Teaser) -> None:
    """Remove a teaser from its page."""
    page = teaser.page
    teaser.delete()
    page_sign_off_clear(pages=[page])


# --- Sign-off and release ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something that keeps an issue from being released, and the page it is on."""

    kind: str
    message: str
    page: Page | None = None


def issue_problems(issue: Issue, *, sign_off: bool = True) -> list[Problem]:
    """Everything still wrong with the issue, page by page, in page order (a fixed few queries)."""
    pages = list(issue.pages.order_by("number"))
    if not pages:
        return [Problem("no_pages", _("The issue has no pages yet."))]
    by_id = {page.pk: page for page in pages}
    placements = list(
        Placement.objects.filter(page__issue=issue)
        .select_related("article")
        .annotate(is_approved=ExpressionWrapper(ArticleQuerySet.approved_q("article__"), output_field=BooleanField()))
        .order_by("page__number", "order", "pk")
    )
    placed = {(p.page_id, p.article_id) for p in placements if p.article_id}
    jumps = list(Jump.objects.filter(placement__page__issue=issue).select_related("placement__article"))
    teasers = list(Teaser.objects.filter(page__issue=issue).select_related("article"))
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
    for jump in jumps:
        if (jump.to_page_id, jump.placement.article_id) not in placed:
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
    counts = {page.pk: 0 for page in pages}
    for placement in placements:
        counts[placement.page_id] += 1
    ordered: list[Problem] = []
    for page in pages:
        if not counts[page.pk]:
            ordered.append(Problem("empty_page", _("{page} is empty.").format(page=page.label), page))
        ordered.extend(problems[page.pk])
        if sign_off and page.signed_off_at is None:
            ordered.append(
                Problem("not_signed_off", _("{page} is not signed off.").format(page=page.label), page)
            )
    return ordered


def _is_released(issue: Issue) -> bool:
    return Issue.objects.released().filter(pk=issue.pk).exists()


def assembly_check_open(issue: Issue) -> None:
    """Refuse changes to the pages of an issue that is released or scheduled for release."""
    if issue.release_at is None:
        return
    if _is_released(issue):
        raise ValidationError(
            _("This issue is released: its pages no longer change. Withdraw or correct a story instead.")
        )
    raise ValidationError(_("This issue is scheduled for release: unschedule it before changing its pages."))


@transaction.atomic
def page_sign_off(*, page: Page, user: AbstractBaseUser) -> Page:
    """值班总编签发: the duty editor attests the page as it stands now."""
    if not user.has_perm("issues.sign_off_page"):
        raise PermissionDenied(gettext_lazy("Only the duty chief editor can sign off pages."))
    page = Page.objects.select_for_update().select_related("issue").get(pk=page.pk)
    assembly_check_open(page.issue)
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
    assembly_check_open(page.issue)
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
    if issue.release_at is not None:
        assembly_check_open(issue)  # says whether it is released or only scheduled
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
