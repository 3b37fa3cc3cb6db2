"""Writes that span several rows: placing stories, setting jumps and teasers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from articles.models import Article, Photo
from issues.models import Jump, Page, Placement, Teaser


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
    return teaser
