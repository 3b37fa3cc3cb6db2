"""How a page reads: which part of each story it carries, and where the story comes from and goes on."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from articles.models import Article, Photo
from articles.text import with_dateline
from issues.models import Jump, Page, Placement, Teaser
from newsroom.prepared import PreparedQuery


@dataclass
class StoryPart:
    """One placement as printed: the paragraphs on this page and the jump lines around them."""

    placement: Placement
    continued_from: Page | None = None
    continued_to: Page | None = None
    # Where the part starts and ends among the story's paragraphs (None: at the story's end).
    start: int = 0
    end: int | None = None

    @property
    def article(self) -> Article | None:
        return self.placement.article

    @property
    def photo(self) -> Photo | None:
        return self.placement.photo

    @property
    def is_first_part(self) -> bool:
        return self.continued_from is None

    @cached_property
    def paragraphs(self) -> list[str]:
        """The paragraphs this page carries, the first part opened by the dateline.

        Split only when asked: a page whose story parts come from the fragment cache
        (issues.views) never splits the bodies of the stories that did not change.
        """
        if self.placement.article_id is None:
            return []
        article = self.placement.article
        paragraphs = article.paragraphs[self.start : self.end]
        return with_dateline(paragraphs, article.dateline) if self.start == 0 else paragraphs


# Compiled once per process (newsroom/prepared.py): every page view asks it.
INCOMING_JUMPS = PreparedQuery(lambda page: Jump.objects.filter(to_page=page).select_related("placement"), page=int)


def page_parts(page: Page, pages: list[Page], placements: Iterable[Placement]) -> list[StoryPart]:
    """A page as readers see it, for the views and the API alike: the page's placements (already
    narrowed by the publication rule, or by the preview), cut where their stories jump in and out."""
    placed = list(placements)
    for placement in placed:
        placement.page = page
    return story_parts(placed, INCOMING_JUMPS.fetch(page=page.pk), pages)


def story_parts(
    placements: Iterable[Placement], incoming_jumps: Iterable[Jump], pages: Iterable[Page]
) -> list[StoryPart]:
    """Cut each placed story to the paragraphs its page carries.

    A part starts after the paragraph where the jump into this page broke (or at the top)
    and ends where its own jump breaks (or at the end). Jump lines link to ``pages``, the
    issue's pages already in hand, so following a jump costs no query.
    """
    pages_by_id = {page.pk: page for page in pages}
    incoming_by_article = {jump.placement.article_id: jump for jump in incoming_jumps}
    parts = []
    for placement in placements:
        part = StoryPart(placement=placement)
        if placement.article_id is not None:
            # A jump to or from a page outside this issue (only an old bypass could make one)
            # reads as no jump: readers never follow a line into another issue.
            incoming = incoming_by_article.get(placement.article_id)
            if incoming is not None and incoming.placement.page_id in pages_by_id:
                part.start = incoming.after_paragraph
                part.continued_from = pages_by_id[incoming.placement.page_id]
            jump = getattr(placement, "jump", None)
            if jump is not None and jump.to_page_id in pages_by_id:
                part.end = jump.after_paragraph
                part.continued_to = pages_by_id[jump.to_page_id]
        parts.append(part)
    return parts


def teaser_targets(teasers: Iterable[Teaser], placements: Iterable[Placement]) -> dict[int, list[Page]]:
    """For each teaser, the pages its story runs on in the issue, the teaser's own page excluded."""
    pages_by_article: dict[int, list[Page]] = defaultdict(list)
    for placement in placements:
        pages_by_article[placement.article_id].append(placement.page)
    return {
        teaser.pk: sorted(
            (page for page in pages_by_article[teaser.article_id] if page.pk != teaser.page_id),
            key=lambda page: page.number,
        )
        for teaser in teasers
    }
