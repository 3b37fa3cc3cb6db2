"""Import a page's exported text as draft stories placed on that page, with its jumps and teasers.

The parser (issues.pagetext) finds the stories; this module finds or makes the rows for them.
Everything happens in one transaction: a page either imports whole or changes nothing.

Each placement remembers the paragraphs its page carried (``Placement.imported_paragraphs``),
so a story cut by a jump is rebuilt from its parts in page order whichever page comes in first,
and re-importing a page replaces its parts instead of adding new stories. A story is found again
on re-import by its headline (as printed, however kicker and subheadline are split), else by its
first paragraph; a story an earlier import put on the page that the text no longer has is taken
off the page (its article is kept).

An import writes only into an open issue (issues.services.issue_check_open): a released or
scheduled one is refused before anything changes, and every page the import touched loses its
sign-off. Issues and placements are made through the services; jumps and teasers are written
here, inside the same guarded transaction, because a jump may point at a part whose text has not
been imported yet (a placeholder the services' checks would refuse). A new issue it makes has no
release time, and new stories are drafts until reviewed.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from articles.contributors.services import credits_from_byline
from articles.models import Article
from articles.text import paragraphs_to_html
from issues.models import Issue, Jump, Page, Placement, Teaser
from issues.numerals import page_label, pages_label
from issues.pagetext import PageTextError, ParsedPage, ParsedStory, ParsedTeaser, parse_page_text
from issues.services import issue_check_open, issue_create, page_sign_off_clear, placement_create

# Containment of one headline in another only counts from this length: "会议" is in many headlines.
MIN_CONTAINED_HEADLINE = 4
# How much of a first paragraph identifies a story whose headline an editor has since changed.
OPENING_LENGTH = 30

NO_HEADLINE = _("(no headline)")
NOTE_BACKWARD_JUMP = _(
    "The jump line points at %(page)s, which is not a later page; no jump was made."
)
NOTE_WAITING_FOR_FIRST_PART = _(
    "Continued from %(page)s, which has no matching story yet: it is joined up when that page is imported."
)


@dataclass
class ImportedStory:
    """One story of the text and what the import did with it."""

    parsed: ParsedStory
    placement: Placement
    created: bool
    jump_to: Page | None = None
    # The page the story jumps to has no text for it yet: the part there is an empty placeholder.
    continuation_waiting: bool = False
    # For a part continued from an earlier page: whether that page's part was found and joined.
    joined_to_first_part: bool | None = None
    # The placement stood empty (made for a jump or a teaser) until this text filled it.
    filled_placeholder: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def article(self) -> Article:
        return self.placement.article

    @property
    def state(self) -> str:
        """New, joined, filled in or updated: what the import did with this story."""
        if self.created:
            return pgettext("import", "new")
        if self.joined_to_first_part:
            return pgettext("import", "joined to its first part")
        if self.filled_placeholder:
            return pgettext("import", "filled in")
        return pgettext("import", "updated")

    @property
    def uncertain(self) -> list[str]:
        """What the parser and the importer were unsure of, for the editor to check."""
        return [str(note) for note in self.parsed.uncertain] + [str(note) for note in self.notes]


@dataclass
class ImportedTeaser:
    """One teaser of the text and the story it points at."""

    parsed: ParsedTeaser
    teaser: Teaser
    # The story's own page is not imported yet: an empty draft stands on its pages until it is.
    placeholder: bool

    @property
    def pages_label(self) -> str:
        """二、三版 / pages 2 and 3, as the teaser prints them."""
        return pages_label(self.parsed.pages)


@dataclass
class PageImport:
    """What an import did, for the command's report and the admin's preview and message."""

    page: Page
    parsed: ParsedPage
    dry_run: bool = False
    issue_created: bool = False
    page_created: bool = False
    stories: list[ImportedStory] = field(default_factory=list)
    teasers: list[ImportedTeaser] = field(default_factory=list)
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    placeholders: list[Placement] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    # Other pages of the issue made to carry a continuation or a teased story; they have no name yet.
    pages_created: list[Page] = field(default_factory=list)
    # Stories an earlier import of this page placed here that the text no longer has.
    removed: list[Placement] = field(default_factory=list)

    @property
    def uncertain_count(self) -> int:
        return sum(len(story.uncertain) for story in self.stories)


@transaction.atomic
def page_import(
    *,
    text: str,
    date: datetime.date,
    page_number: int,
    user: AbstractBaseUser,
    page_name: str = "",
    dry_run: bool = False,
) -> PageImport:
    """Import one page's text; with dry_run, do everything and then roll it back."""
    parsed = parse_page_text(text)
    if not parsed.stories and not parsed.teasers:
        raise PageTextError(
            "no_stories", _("No story was found in this text: is it a page's text?")
        )
    issue, issue_created = _issue(date)
    issue_check_open(issue)
    page, page_created = _page(issue=issue, number=page_number, name=page_name)
    result = PageImport(
        page=page,
        parsed=parsed,
        dry_run=dry_run,
        issue_created=issue_created,
        page_created=page_created,
    )
    if parsed.slogans:
        page.slogans = "\n\n".join(parsed.slogans)
        page.save(update_fields=["slogans"])

    earlier = list(
        page.placements.filter(
            article__isnull=False, imported_paragraphs__isnull=False
        ).select_related("article")
    )
    taken: set[int] = set()
    for order, story in enumerate(parsed.stories, start=1):
        imported = _import_story(
            story, order=order, page=page, user=user, taken=taken, result=result
        )
        taken.add(imported.placement.pk)
        result.stories.append(imported)

    for placement in earlier:
        if placement.pk not in taken:
            placement.delete()
            result.removed.append(placement)
            _rebuild_body(placement.article, issue)
    # Placements the text does not carry (placeholders, stories placed by hand) follow the text's.
    others = page.placements.exclude(pk__in=taken).order_by("order", "pk")
    for order, placement in enumerate(others, start=len(parsed.stories) + 1):
        if placement.order != order:
            placement.order = order
            placement.save(update_fields=["order"])

    for order, teaser in enumerate(parsed.teasers, start=1):
        result.teasers.append(
            _import_teaser(teaser, order=order, page=page, user=user, result=result)
        )

    touched = {page.pk, *(p.page_id for p in result.placeholders), *(j.to_page_id for j in result.jumps)}
    touched.update(p.pk for p in result.pages_created)
    touched.update(t.teaser.page_id for t in result.teasers)
    page_sign_off_clear(pages=list(Page.objects.filter(pk__in=touched)))
    if dry_run:
        transaction.set_rollback(True)
    return result


def _issue(date: datetime.date) -> tuple[Issue, bool]:
    issue = Issue.objects.filter(date=date).first()
    if issue is not None:
        return issue, False
    return issue_create(date=date), True


def _page(*, issue: Issue, number: int, name: str) -> tuple[Page, bool]:
    page = Page.objects.filter(issue=issue, number=number).first()
    created = page is None
    if created:
        page = Page(issue=issue, number=number, name=name or _default_page_name(number))
    elif name and page.name != name:
        page.name = name
    else:
        page.issue = issue
        return page, False
    # A page made without a name (an inside page) is named by the editor in the admin.
    page.full_clean(exclude=[] if page.name else ["name"])
    page.save()
    page.issue = issue
    return page, created


def _default_page_name(number: int) -> str:
    return "要闻" if number == 1 else ""


def _import_story(
    story: ParsedStory,
    *,
    order: int,
    page: Page,
    user: AbstractBaseUser,
    taken: set[int],
    result: PageImport,
) -> ImportedStory:
    placement, created, joined = _placement_for(story, page=page, user=user, taken=taken)
    imported = ImportedStory(
        parsed=story,
        placement=placement,
        created=created,
        joined_to_first_part=joined,
        filled_placeholder=not created and placement.imported_paragraphs is None,
    )
    (result.created if created else result.updated).append(placement.article)
    if joined is False:
        imported.notes.append(
            NOTE_WAITING_FOR_FIRST_PART % {"page": page_label(story.continued_from)}
        )
    placement.order = order
    placement.imported_paragraphs = story.paragraphs
    placement.save(update_fields=["order", "imported_paragraphs"])
    _fill_article(placement.article, story)

    continues_later = story.continued_to is not None and story.continued_to > page.number
    if story.continued_to is not None and not continues_later:
        imported.notes.append(NOTE_BACKWARD_JUMP % {"page": page_label(story.continued_to)})
    if continues_later:
        continuation = _jump(placement, to_number=story.continued_to, result=result)
        imported.jump_to = continuation.page
        imported.continuation_waiting = continuation.imported_paragraphs is None
    else:
        _drop_jump(placement)
    _rebuild_body(placement.article, page.issue)
    return imported


def _placement_for(
    story: ParsedStory, *, page: Page, user: AbstractBaseUser, taken: set[int]
) -> tuple[Placement, bool, bool | None]:
    """This story's placement on the page, made if there is none; whether its article is new; whether it joined a first part."""
    on_page = [
        placement
        for placement in page.placements.filter(article__isnull=False).select_related("article")
        if placement.pk not in taken
    ]
    joined = None
    if story.continued_from is not None:
        joined = False
        if article := _first_part(story, page=page, taken=taken):
            placement = next((p for p in on_page if p.article_id == article.pk), None)
            if placement is None:
                placement = placement_create(page=page, article=article)
            return placement, False, True
    if placement := _same_headline(on_page, _full_headline(story)):
        return placement, False, joined
    if placement := _same_opening(on_page, story):
        return placement, False, joined
    article = Article(headline=story.headline or str(NO_HEADLINE), reporter=user, dateline="")
    _save_article(article)
    return placement_create(page=page, article=article), True, joined


def _first_part(story: ParsedStory, *, page: Page, taken: set[int]) -> Article | None:
    """The article whose part on an earlier page jumps here, for a part "continued from" that page."""
    jumps = [
        jump
        for jump in Jump.objects.filter(to_page=page, placement__page__number=story.continued_from)
        .select_related("placement__article")
        .order_by("placement__order")
        if not page.placements.filter(pk__in=taken, article=jump.placement.article_id).exists()
    ]
    headline = _full_headline(story)
    for jump in jumps:
        if _same_story(jump.placement.article.full_headline, headline):
            return jump.placement.article
    # A continuation without a headline of its own, and one story jumping here: that is the one.
    if len(jumps) == 1 and not story.headline:
        return jumps[0].placement.article
    return None


def _same_headline(placements: list[Placement], headline: str) -> Placement | None:
    if not headline:
        return None
    for strict in (True, False):
        for placement in placements:
            if _same_story(placement.article.full_headline, headline, strict=strict):
                return placement
    return None


def _same_opening(placements: list[Placement], story: ParsedStory) -> Placement | None:
    """A story imported before under another headline (an editor corrected it): same first words."""
    if not story.paragraphs:
        return None
    opening = story.paragraphs[0][:OPENING_LENGTH]
    for placement in placements:
        earlier = placement.imported_paragraphs
        if earlier and earlier[0][:OPENING_LENGTH] == opening:
            return placement
    return None


def _full_headline(story: ParsedStory) -> str:
    return " ".join(part for part in (story.kicker, story.headline, story.subheadline) if part)


def _same_story(known: str, found: str, *, strict: bool = False) -> bool:
    """Headlines of two parts of a story: equal, or (unless strict) one inside the other, a shortened repeat."""
    known, found = known.replace(" ", ""), found.replace(" ", "")
    if not (known and found):
        return False
    if known == found or strict:
        return known == found
    shorter, longer = sorted((known, found), key=len)
    return len(shorter) >= MIN_CONTAINED_HEADLINE and shorter in longer


def _fill_article(article: Article, story: ParsedStory) -> None:
    """Headlines and dateline from the first part; the byline from the part that prints one."""
    if story.continued_from is None:
        article.kicker = story.kicker
        article.headline = story.headline or article.headline
        article.subheadline = story.subheadline
        article.dateline = story.dateline
        # A signature ("本报评论员") heads the first part; a reporter's name ends the last one.
        if story.byline or story.continued_to is None:
            article.byline = story.byline
    elif story.byline:
        article.byline = story.byline


def _save_article(article: Article) -> None:
    try:
        article.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("The story “%(headline)s” cannot be saved: %(errors)s")
            % {"headline": article.headline[:40], "errors": " ".join(error.messages)}
        ) from error
    article.save()
    credits_from_byline(article=article)  # bylines as data (articles.contributors): a story with credits keeps them


def _jump(placement: Placement, *, to_number: int, result: PageImport) -> Placement:
    """Set the jump from this part to a later page; return the part there (a placeholder until imported)."""
    page = placement.page
    to_page = _other_page(page.issue, to_number, result)
    old = (
        Jump.objects.filter(placement=placement)
        .exclude(to_page=to_page)
        .select_related("to_page")
        .first()
    )
    if old is not None:
        # The text now jumps elsewhere: an empty part left on the old page would mislead readers.
        old.to_page.placements.filter(
            article=placement.article_id, imported_paragraphs__isnull=True
        ).delete()
    continuation = to_page.placements.filter(article=placement.article).first()
    if continuation is None:
        continuation = _adopt_orphan_continuation(placement, to_page)
    if continuation is None:
        continuation = placement_create(page=to_page, article=placement.article)
        result.placeholders.append(continuation)
    jump, _created = Jump.objects.update_or_create(
        placement=placement, defaults={"to_page": to_page, "after_paragraph": 1}
    )
    result.jumps.append(jump)
    continuation.page = to_page
    return continuation


def _drop_jump(placement: Placement) -> None:
    """The text no longer jumps: remove the jump and its continuation if that was still a placeholder."""
    jump = Jump.objects.filter(placement=placement).select_related("to_page").first()
    if jump is None:
        return
    jump.to_page.placements.filter(
        article=placement.article_id, imported_paragraphs__isnull=True
    ).delete()
    jump.delete()


def _other_page(issue: Issue, number: int, result: PageImport) -> Page:
    page, created = Page.objects.get_or_create(issue=issue, number=number, defaults={"name": ""})
    if created:
        result.pages_created.append(page)
    page.issue = issue
    return page


def _adopt_orphan_continuation(placement: Placement, to_page: Page) -> Placement | None:
    """A continuation imported before its first part became a story of its own: join it to this one."""
    article = placement.article
    for candidate in to_page.placements.filter(article__isnull=False).select_related("article"):
        orphan = candidate.article
        if orphan.pk == article.pk or not _same_story(orphan.full_headline, article.full_headline):
            continue
        if orphan.placements.exclude(pk=candidate.pk).exists():
            continue
        candidate.article = article
        candidate.save(update_fields=["article"])
        # The orphan carried the story's end, and with it the byline.
        if orphan.byline and not article.byline:
            article.byline = orphan.byline
        for teaser in Teaser.objects.filter(article=orphan):
            if Teaser.objects.filter(page=teaser.page_id, article=article).exists():
                teaser.delete()
            else:
                teaser.article = article
                teaser.save(update_fields=["article"])
        orphan.delete()
        return candidate
    return None


def _import_teaser(
    parsed: ParsedTeaser, *, order: int, page: Page, user: AbstractBaseUser, result: PageImport
) -> ImportedTeaser:
    article, placeholder = _teased_article(parsed, page=page, user=user, result=result)
    teaser = Teaser.objects.filter(page=page, article=article).first() or Teaser(
        page=page, article=article
    )
    teaser.label, teaser.headline, teaser.order = parsed.label, parsed.headline, order
    teaser.full_clean()
    teaser.save()
    return ImportedTeaser(parsed=parsed, teaser=teaser, placeholder=placeholder)


def _teased_article(
    parsed: ParsedTeaser, *, page: Page, user: AbstractBaseUser, result: PageImport
) -> tuple[Article, bool]:
    """The story a teaser points at, found on its pages by headline, or a placeholder placed there."""
    numbers = [number for number in parsed.pages if number != page.number]
    on_pages = list(
        Placement.objects.filter(
            page__issue=page.issue, page__number__in=numbers, article__isnull=False
        )
        .select_related("article")
        .order_by("page__number", "order")
    )
    found = _same_headline(on_pages, parsed.headline)
    if found is None:
        # Re-importing this page: the placeholder made last time is already teased from here.
        found = next(
            (
                placement
                for placement in on_pages
                if Teaser.objects.filter(
                    page=page, article=placement.article_id, headline=parsed.headline
                ).exists()
            ),
            None,
        )
    if found is not None:
        article = found.article
    else:
        article = Article(headline=parsed.headline or str(NO_HEADLINE), reporter=user, dateline="")
        _save_article(article)
        result.created.append(article)
    # "详见二、三版": the story stands on each page named, so the teaser reads the same to readers.
    for number in numbers:
        other = _other_page(page.issue, number, result)
        if not other.placements.filter(article=article).exists():
            result.placeholders.append(
                placement_create(page=other, article=article)
            )
    placeholder = not article.placements.filter(imported_paragraphs__isnull=False).exists()
    return article, placeholder


def _next_order(page: Page) -> int:
    return (page.placements.aggregate(last=Max("order"))["last"] or 0) + 1


def _rebuild_body(article: Article, issue: Issue) -> None:
    """Join the imported parts in page order and set each jump where its part ends."""
    placements = list(
        article.placements.filter(page__issue=issue)
        .select_related("page", "jump")
        .order_by("page__number")
    )
    if not any(placement.imported_paragraphs is not None for placement in placements):
        return  # never imported, or its last imported part just left the page: keep the body as it is
    paragraphs: list[str] = []
    for placement in placements:
        paragraphs.extend(placement.imported_paragraphs or [])
        jump = getattr(placement, "jump", None)
        if jump is not None and jump.after_paragraph != max(len(paragraphs), 1):
            jump.after_paragraph = max(len(paragraphs), 1)
            jump.save(update_fields=["after_paragraph"])
    article.body = paragraphs_to_html(paragraphs)
    _save_article(article)


def describe_import(result: PageImport) -> str:
    """One line for a message: what the import made of the page."""
    return gettext(
        "%(page)s of %(date)s: new %(created)s, updated %(updated)s, jumps %(jumps)s, "
        "teasers %(teasers)s, to check %(uncertain)s."
    ) % {
        "page": f"{result.page.label} {result.page.name}".strip(),
        "date": result.page.issue.date.isoformat(),
        "created": len(result.created),
        "updated": len(result.updated),
        "jumps": len(result.jumps),
        "teasers": len(result.teasers),
        "uncertain": result.uncertain_count,
    }
