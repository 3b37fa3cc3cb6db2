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

Inside pages add three things. A subhead stays in its story, as an ``<h3>`` between its
paragraphs (kept as ``{"subhead": text}`` in ``imported_paragraphs``). A photo caption becomes a
photo record of its story (photo news of the page when it belongs to no story), its caption
filled and a grey stand-in image waiting for the real one; a dry run (the preview) makes no
files. Lines the parser could place in no story are saved together as one flagged draft on the
page ("unplaced text"), so nothing the page printed is lost; re-importing finds all three again
(photos by caption, the unplaced draft by its headline) instead of adding them twice.
"""

import datetime
import html
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from PIL import Image

from articles.contributors.services import credits_from_byline
from articles.models import Article, Photo
from articles.photos import photo_create
from articles.services import article_create
from issues.epaper import page_attach_print
from issues.models import HotZone, Issue, Jump, Page, Placement, Teaser
from issues.numerals import page_label, pages_label
from issues.pagetext import (
    PageTextError,
    ParsedCaption,
    ParsedPage,
    ParsedStory,
    ParsedTeaser,
    Subhead,
    parse_page_text,
)
from issues.pagepdf import Box, PdfLayout, read_page_layout
from issues.pdf import open_pdf, render_page, validate_page_pdf
from issues.services import (
    hot_zone_delete,
    hot_zone_save,
    issue_check_open,
    issue_create,
    page_sign_off_clear,
    page_update,
    placement_create,
)

# Containment of one headline in another only counts from this length: "会议" is in many headlines.
MIN_CONTAINED_HEADLINE = 4
# How much of a first paragraph identifies a story whose headline an editor has since changed.
OPENING_LENGTH = 30

NO_HEADLINE = _("(no headline)")
UNPLACED_HEADLINE = _("Unplaced text from the page import (to check)")
NOTE_UNPLACED = _("Lines that fit no story; move them into a story or delete this draft.")
# The stand-in image of a photo whose caption was imported: 4:3, light grey.
PENDING_IMAGE_SIZE = (800, 600)
PENDING_IMAGE_COLOUR = (221, 221, 221)
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
        captions = [note for caption in self.parsed.captions for note in caption.uncertain]
        notes = [*self.parsed.uncertain, *captions, *self.notes]
        return [str(note) for note in notes]

    @property
    def unplaced(self) -> bool:
        return self.parsed.kind == "unplaced"


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
    # Photo records made for captions (none in a dry run), and photo news placed on the page.
    photos: list[Photo] = field(default_factory=list)
    photo_news: list[Placement] = field(default_factory=list)

    @property
    def uncertain_count(self) -> int:
        page_captions = sum(len(caption.uncertain) for caption in self.parsed.captions)
        return sum(len(story.uncertain) for story in self.stories) + page_captions

    @property
    def caption_count(self) -> int:
        """Captions read on the page: each a photo record (of a story, or photo news)."""
        return len(self.parsed.captions) + sum(len(s.captions) for s in self.parsed.stories)

    @property
    def kind(self) -> str:
        return self.parsed.kind


@transaction.atomic
def page_import(
    *,
    text: str,
    date: datetime.date,
    page_number: int,
    user: AbstractBaseUser,
    page_name: str = "",
    dry_run: bool = False,
    marks: dict[int, str] | None = None,
) -> PageImport:
    """Import one page's text (read with the editor's marks); with dry_run, do everything and then roll it back."""
    parsed = parse_page_text(text, marks)
    return page_import_parsed(
        parsed=parsed,
        date=date,
        page_number=page_number,
        user=user,
        page_name=page_name,
        dry_run=dry_run,
    )


@transaction.atomic
def page_import_parsed(
    *,
    parsed: ParsedPage,
    date: datetime.date,
    page_number: int,
    user: AbstractBaseUser,
    page_name: str = "",
    dry_run: bool = False,
) -> PageImport:
    """Save a page as read into an open issue; dry_run does it all, then rolls it back."""
    result = import_parsed_page(
        parsed=parsed, date=date, page_number=page_number, user=user, page_name=page_name, dry_run=dry_run
    )
    if dry_run:
        transaction.set_rollback(True)
    return result


def import_parsed_page(
    *,
    parsed: ParsedPage,
    date: datetime.date,
    page_number: int,
    user: AbstractBaseUser,
    page_name: str = "",
    dry_run: bool = False,
) -> PageImport:
    """The save path (inside the caller's transaction): the page's stories, photos, jumps and teasers."""
    if not parsed.stories and not parsed.teasers and not parsed.captions:
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
    stories = list(parsed.stories)
    if parsed.unplaced:
        stories.append(_unplaced_story(parsed))
    for order, story in enumerate(stories, start=1):
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
    _import_photo_news(parsed.captions, page=page, user=user, taken=taken, result=result)
    others = page.placements.exclude(pk__in=taken).order_by("order", "pk")
    for order, placement in enumerate(others, start=len(taken) + 1):
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
    placement.imported_paragraphs = [
        {"subhead": str(p)} if isinstance(p, Subhead) else p for p in story.paragraphs
    ]
    placement.save(update_fields=["order", "imported_paragraphs"])
    _fill_article(placement.article, story)
    _import_captions(placement.article, story.captions, user=user, result=result)

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
    article = _new_article(headline=story.headline or str(NO_HEADLINE), user=user)
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
        if earlier and str(earlier[0])[:OPENING_LENGTH] == opening:
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


def _not_saved(headline: str, error: ValidationError) -> ValidationError:
    return ValidationError(
        _("The story “%(headline)s” cannot be saved: %(errors)s")
        % {"headline": headline[:40], "errors": " ".join(error.messages)}
    )


def _new_article(*, headline: str, user: AbstractBaseUser) -> Article:
    """A story the page prints that the desk has no article for: a draft filed by the importing editor."""
    try:
        return article_create(user=user, headline=headline, dateline="")
    except ValidationError as error:
        raise _not_saved(headline, error) from error


def _save_article(article: Article) -> None:
    try:
        article.full_clean()
    except ValidationError as error:
        raise _not_saved(article.headline, error) from error
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
        article = _new_article(headline=parsed.headline or str(NO_HEADLINE), user=user)
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
    article.body = blocks_to_html(paragraphs)
    _save_article(article)


def blocks_to_html(blocks: list) -> str:
    """Imported paragraphs as body HTML: text as <p>, {"subhead": text} as <h3>."""
    parts = []
    for block in blocks:
        if isinstance(block, dict):
            parts.append(f"<h3>{html.escape(block.get('subhead', ''))}</h3>")
        elif block.strip():
            parts.append(f"<p>{html.escape(block)}</p>")
    return "".join(parts)


def _unplaced_story(parsed: ParsedPage) -> ParsedStory:
    """The lines that fit no story, as one flagged draft, so they are saved and found again."""
    story = ParsedStory(
        headline=gettext(UNPLACED_HEADLINE),
        paragraphs=[item.text for item in parsed.unplaced],
        paragraph_lines=[item.line for item in parsed.unplaced],
        kind="unplaced",
    )
    story.uncertain = [NOTE_UNPLACED, *(item.reason for item in parsed.unplaced)]
    return story


def _pending_image() -> ContentFile:
    """A grey stand-in for a photo whose caption came with the page but whose image has not."""
    buffer = io.BytesIO()
    Image.new("RGB", PENDING_IMAGE_SIZE, PENDING_IMAGE_COLOUR).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="imported-caption.png")


def _photo_for(caption: ParsedCaption, *, article: Article | None, user: AbstractBaseUser, order: int, dry_run: bool) -> Photo | None:
    """Make the photo record for a caption through the photo service; none in a dry run (no files)."""
    if dry_run:
        return None
    try:
        return photo_create(
            user=user,
            article=article,
            image=_pending_image(),
            image_pending=True,
            caption=caption.text,
            credit=caption.credit[:100],
            order=order,
        )
    except PermissionDenied as error:
        # Refused as a whole: a caption is never silently left out.
        raise ValidationError(
            _("The page has photo captions, but you cannot add photos: %(reason)s")
            % {"reason": error}
        ) from error


def _import_captions(
    article: Article, captions: list[ParsedCaption], *, user: AbstractBaseUser, result: PageImport
) -> None:
    """A photo record per caption of the story, found again by its caption on re-import."""
    existing = {photo.caption: photo for photo in article.photos.all()}
    for order, caption in enumerate(captions, start=1):
        photo = existing.get(caption.text)
        if photo is not None:
            if photo.order != order:
                photo.order = order
                photo.save(update_fields=["order"])
            continue
        photo = _photo_for(caption, article=article, user=user, order=order, dry_run=result.dry_run)
        if photo is not None:
            result.photos.append(photo)


def _import_photo_news(
    captions: list[ParsedCaption],
    *,
    page: Page,
    user: AbstractBaseUser,
    taken: set[int],
    result: PageImport,
) -> None:
    """Captions of no story are photo news: a photo placed on the page, found again by caption."""
    on_page = {
        placement.photo.caption: placement
        for placement in page.placements.filter(photo__isnull=False).select_related("photo")
    }
    for order, caption in enumerate(captions, start=1):
        placement = on_page.get(caption.text)
        if placement is None:
            photo = _photo_for(caption, article=None, user=user, order=order, dry_run=result.dry_run)
            if photo is None:
                continue
            result.photos.append(photo)
            placement = placement_create(page=page, photo=photo)
        taken.add(placement.pk)
        result.photo_news.append(placement)


def describe_import(result: PageImport) -> str:
    """One line for a message: what the import made of the page."""
    return gettext(
        "%(page)s of %(date)s: new %(created)s, updated %(updated)s, jumps %(jumps)s, "
        "teasers %(teasers)s, captions %(captions)s, to check %(uncertain)s."
    ) % {
        "captions": result.caption_count,
        "page": f"{result.page.label} {result.page.name}".strip(),
        "date": result.page.issue.date.isoformat(),
        "created": len(result.created),
        "updated": len(result.updated),
        "jumps": len(result.jumps),
        "teasers": len(result.teasers),
        "uncertain": result.uncertain_count,
    }


# --- From the page PDF ----------------------------------------------------------------------------

NO_TEXT_LAYER = _(
    "This PDF has no text layer (its fonts were turned into outlines, or it is a scan), so its "
    "text cannot be read: export the page's text, or the PDF with fonts kept. The page image was "
    "still made from it."
)
# A picture this close (PDF points) above or below a story's block belongs to the story's zone.
PICTURE_REACH = 24


@dataclass
class PdfPageImport:
    """What importing a page PDF did: the text import (None when refused), zones, the page image."""

    page: Page | None
    layout: PdfLayout
    result: PageImport | None = None
    refused: str = ""
    zones: list[HotZone] = field(default_factory=list)
    image_attached: bool = False


@transaction.atomic
def page_import_pdf(
    *,
    pdf: bytes,
    date: datetime.date,
    page_number: int,
    user: AbstractBaseUser,
    page_name: str = "",
    dry_run: bool = False,
    marks: dict[int, str] | None = None,
) -> PdfPageImport:
    """Import a page from its PDF: the text layer's stories, the hot zones from their blocks, the image.

    A PDF without a text layer is refused for text with the reason, and only gives the page its
    image and PDF. With dry_run everything is rolled back and no file is written.
    """
    upload = ContentFile(pdf, name="page.pdf")
    document = open_pdf(upload)
    if len(document) != 1:
        validate_page_pdf(upload)  # refuses with the message the page's PDF field gives
    layout = read_page_layout(document)
    if not layout.has_text:
        issue, _created = _issue(date)
        issue_check_open(issue)
        page = None
        if not dry_run:
            page, _created = page_attach_print(
                issue=issue, number=page_number, pdf=pdf, image=render_page(document, 0)
            )
        if dry_run:
            transaction.set_rollback(True)
        return PdfPageImport(page=page, layout=layout, refused=str(NO_TEXT_LAYER), image_attached=page is not None)
    result = import_parsed_page(
        parsed=parse_page_text(layout.text, {**layout.marks, **(marks or {})}),
        date=date,
        page_number=page_number,
        user=user,
        page_name=page_name,
        dry_run=dry_run,
    )
    outcome = PdfPageImport(page=result.page, layout=layout, result=result)
    outcome.zones = _zones_from_blocks(result, layout)
    if dry_run:
        transaction.set_rollback(True)
    else:
        if not result.page.name:
            # The print files need a named page; an inside page the import made has no name yet.
            page_update(page=result.page, name=gettext("New page"))
        page_attach_print(
            issue=result.page.issue, number=result.page.number, pdf=pdf, image=render_page(document, 0)
        )
        outcome.image_attached = True
    return outcome


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _zones_from_blocks(result: PageImport, layout: PdfLayout) -> list[HotZone]:
    """One hot zone per story (and per photo news), around the blocks its text came from."""
    owners: list[tuple[Placement, str, list[str]]] = []
    for imported in result.stories:
        if imported.unplaced:
            continue
        story = imported.parsed
        parts = [story.kicker, story.headline, story.subheadline, story.dateline, *story.paragraphs, story.byline]
        parts += [caption.text + caption.credit for caption in story.captions]
        owners.append((imported.placement, _squeeze("".join(parts)), []))
    for placement, caption in zip(result.photo_news, result.parsed.captions):
        owners.append((placement, _squeeze(caption.text + caption.credit), []))
    boxes: dict[int, list[Box]] = {index: [] for index in range(len(owners))}
    text_blocks = [block for block in layout.blocks if not block.image]
    for block in text_blocks:
        text = _squeeze(block.text)
        for index, (_placement, owned, _) in enumerate(owners):
            if text and text in owned:
                boxes[index].append(block.box)
                break
    for picture in (block for block in layout.blocks if block.image):
        for index, found in boxes.items():
            if any(_touches(picture.box, box) for box in found):
                found.append(picture.box)
                break
    zones = []
    for index, (placement, _owned, _) in enumerate(owners):
        if not boxes[index]:
            continue
        union = boxes[index][0]
        for box in boxes[index][1:]:
            union = union.union(box)
        for old in placement.hot_zones.all():
            hot_zone_delete(zone=old)
        x, y, width, height = layout.fraction(union)
        zones.append(hot_zone_save(zone=HotZone(placement=placement, x=x, y=y, width=width, height=height)))
    return zones


def _touches(picture: Box, box: Box) -> bool:
    """A picture right above or below a block, sharing its column."""
    overlap = min(picture.right, box.right) - max(picture.left, box.left)
    gap = min(abs(picture.bottom - box.top), abs(box.bottom - picture.top))
    return overlap > 0 and gap < PICTURE_REACH
