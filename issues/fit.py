"""Whether stories fit their pages (版面容量, issue #14): planned, placed and capacity in 字数.

A story on a page counts only the part the page carries: from where a jump into the page broke
(or the top) to where its own jump breaks (or the end), as issues.reading cuts it for readers.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from articles.text import char_count, paragraphs_char_count
from issues.models import Issue, Jump, Page, Placement


def fit_margin() -> int:
    """How many percent over or under its capacity a page may be before it is marked."""
    return settings.NEWSROOM["PAGE_FIT_MARGIN"]


@dataclass
class PageFill:
    """One page's 字数: planned for it, placed on it, and what it holds."""

    page: Page
    placed: int = 0
    planned: int = 0

    @property
    def capacity(self) -> int | None:
        return self.page.capacity_chars

    @property
    def state(self) -> str:
        """"over", "under", "fits", or "" when the page has no capacity."""
        if not self.capacity:
            return ""
        margin = fit_margin()
        if self.placed * 100 > self.capacity * (100 + margin):
            return "over"
        if self.placed * 100 < self.capacity * (100 - margin):
            return "under"
        return "fits"

    @property
    def percent(self) -> int | None:
        return round(self.placed * 100 / self.capacity) if self.capacity else None

    @property
    def waived(self) -> bool:
        """The chief let the page run over as it stands now (a changed page needs a new reason)."""
        return self.page.fit_waived_at is not None and self.page.fit_waived_chars == self.placed


def placed_chars(
    placements: Iterable[Placement], jumps: Iterable[Jump], chars: dict[int, int] | None = None
) -> dict[int, int]:
    """字数 placed on each page (by page id), each story counted for the part that page carries;
    ``chars`` is placement_chars() when the caller has it already."""
    placements = list(placements)
    chars = placement_chars(placements, jumps) if chars is None else chars
    totals: dict[int, int] = {}
    for placement in placements:
        totals[placement.page_id] = totals.get(placement.page_id, 0) + chars[placement.pk]
    return totals


def placement_chars(placements: Iterable[Placement], jumps: Iterable[Jump]) -> dict[int, int]:
    """字数 of each placement (by placement id): the part of its story that page carries."""
    placements = list(placements)
    by_pk = {placement.pk: placement for placement in placements}
    jumps = [jump for jump in jumps if jump.placement_id in by_pk]
    outgoing = {jump.placement_id: jump for jump in jumps}
    incoming = {(jump.to_page_id, by_pk[jump.placement_id].article_id): jump for jump in jumps}
    totals: dict[int, int] = {}
    for placement in placements:
        totals[placement.pk] = 0
        if placement.article_id is None:
            continue
        jump_in = incoming.get((placement.page_id, placement.article_id))
        jump_out = outgoing.get(placement.pk)
        if jump_in is None and jump_out is None:
            # The whole story is on this page: no need to split it into paragraphs (the costly part).
            totals[placement.pk] = char_count(placement.article.body)
            continue
        paragraphs = placement.article.paragraphs
        start = jump_in.after_paragraph if jump_in is not None else 0
        end = jump_out.after_paragraph if jump_out is not None else len(paragraphs)
        totals[placement.pk] = paragraphs_char_count(paragraphs[start:end])
    return totals


def fills(
    pages: list[Page],
    placements: Iterable[Placement],
    jumps: Iterable[Jump],
    planned: dict[int, int] | None = None,
    chars: dict[int, int] | None = None,
) -> dict[int, PageFill]:
    """Each page's fill from rows already in hand (no query); ``planned`` is 字数 by page number,
    ``chars`` is placement_chars() when the caller has it already."""
    placed = placed_chars(placements, jumps, chars)
    planned = planned or {}
    return {
        page.pk: PageFill(page=page, placed=placed.get(page.pk, 0), planned=planned.get(page.number, 0))
        for page in pages
    }


def planned_by_page(issue: Issue) -> dict[int, int]:
    """字数 the story plans (articles.planning) give each page number of the issue, in one query."""
    from articles.planning.models import StoryPlan

    rows = (
        StoryPlan.objects.active()
        .filter(issue_date=issue.date, page_number__isnull=False)
        .values("page_number")
        .annotate(chars=Sum("planned_chars"))
    )
    return {row["page_number"]: row["chars"] or 0 for row in rows}


def with_planned(pages: QuerySet[Page]) -> QuerySet[Page]:
    """Annotate ``planned_chars``: the 字数 the story plans give each page, in the pages' own query."""
    from articles.planning.models import StoryPlan

    planned = (
        StoryPlan.objects.active()
        .filter(issue_date=OuterRef("issue__date"), page_number=OuterRef("number"))
        .order_by()
        .values("page_number")
        .annotate(total=Sum("planned_chars"))
        .values("total")[:1]
    )
    return pages.annotate(planned_chars=Coalesce(Subquery(planned), 0))


def page_fills(*, issue: Issue) -> dict[int, PageFill]:
    """Each page's fill for the issue, by page id (four queries)."""
    pages = list(issue.pages.order_by("number"))
    placements = Placement.objects.filter(page__issue=issue).select_related("article")
    jumps = Jump.objects.filter(placement__page__issue=issue)
    return fills(pages, placements, jumps, planned_by_page(issue))


def overfull_problems(*, pages: list[Page], placements: Iterable[Placement], jumps: Iterable[Jump]) -> list:
    """A release problem for each page over its capacity by more than the margin, unless the chief let it run over."""
    from issues.services import Problem

    problems = []
    for fill in fills(pages, placements, jumps).values():
        if fill.state == "over" and not fill.waived:
            problems.append(
                Problem(
                    "overfull",
                    _("{page} is over its capacity: {placed} of {capacity} characters.").format(
                        page=fill.page.label, placed=fill.placed, capacity=fill.capacity
                    ),
                    fill.page,
                )
            )
    return problems
