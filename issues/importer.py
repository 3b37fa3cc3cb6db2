"""Import a page's exported text as draft stories placed on that page, with its jumps and teasers.

The parser (issues.pagetext) finds the stories; this module finds or makes the rows for them.
Everything happens in one transaction: a page either imports whole or changes nothing.

Each placement remembers the paragraphs its page carried (``Placement.imported_paragraphs``),
so a story cut by a jump is rebuilt from its parts in page order whichever page comes in first,
and re-importing a page replaces its parts instead of adding new stories.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from articles.models import Article
from articles.text import paragraphs_to_html
from issues.models import Issue, Jump, Page, Placement, Teaser
from issues.pagetext import ParsedPage, ParsedStory, parse_page_text

# A new issue made by an import is not released (release_at stays empty) and its stories stay
# drafts until reviewed: nothing imported is public by itself. The chief editor releases it.


@dataclass
class PageImport:
    """What an import did, for the command's report and the admin's message."""

    page: Page
    parsed: ParsedPage
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    placeholders: list[Placement] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)


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
    page = _page(date=date, number=page_number, name=page_name)
    if parsed.slogans:
        page.slogans = "\n\n".join(parsed.slogans)
        page.save(update_fields=["slogans"])
    result = PageImport(page=page, parsed=parsed)

    for order, story in enumerate(parsed.stories, start=1):
        placement = _placement_for(story, page=page, user=user, result=result)
        placement.order = order
        placement.imported_paragraphs = story.paragraphs
        placement.save(update_fields=["order", "imported_paragraphs"])
        if story.continued_from is None:
            _fill_article(placement.article, story)
        if story.continued_to is not None and story.continued_to > page.number:
            _jump(placement, story, to_number=story.continued_to, user=user, result=result)
        _rebuild_body(placement.article, page.issue)

    for order, teaser in enumerate(parsed.teasers, start=1):
        article = _article_on_pages(
            page.issue, teaser.pages, headline=teaser.headline, kicker=teaser.label, user=user, result=result
        )
        saved, _created = Teaser.objects.update_or_create(
            page=page,
            article=article,
            defaults={"label": teaser.label, "headline": teaser.headline, "order": order},
        )
        result.teasers.append(saved)

    if dry_run:
        transaction.set_rollback(True)
    return result


def _page(*, date: datetime.date, number: int, name: str) -> Page:
    issue = Issue.objects.filter(date=date).first()
    if issue is None:
        latest = Issue.objects.aggregate(number=Max("number"), total=Max("total_number"))
        issue = Issue.objects.create(
            date=date,
            number=(latest["number"] or 0) + 1,
            total_number=(latest["total"] or 0) + 1,
            release_at=None,
        )
    page, created = Page.objects.get_or_create(
        issue=issue, number=number, defaults={"name": name or _default_page_name(number)}
    )
    if name and page.name != name:
        page.name = name
        page.save(update_fields=["name"])
    page.issue = issue
    return page


def _default_page_name(number: int) -> str:
    return "要闻" if number == 1 else ""


def _placement_for(story: ParsedStory, *, page: Page, user, result: PageImport) -> Placement:
    """The placement on this page that this story's text belongs to, made if there is none."""
    on_page = list(page.placements.filter(article__isnull=False).select_related("article"))
    if story.continued_from is not None:
        # The rest of a story that starts on an earlier page: find it through that page's jump.
        incoming = [
            jump
            for jump in Jump.objects.filter(
                to_page=page, placement__page__number=story.continued_from
            ).select_related("placement__article")
            if _same_story(jump.placement.article.full_headline, _full_headline(story))
        ]
        candidates = incoming or list(
            Jump.objects.filter(to_page=page, placement__page__number=story.continued_from)
            .select_related("placement__article")
        )
        if len(candidates) == 1 or (candidates and incoming):
            article = candidates[0].placement.article
            placement = next((p for p in on_page if p.article_id == article.pk), None)
            if placement is None:
                placement = Placement.objects.create(page=page, article=article)
            result.updated.append(article)
            return placement
    for placement in on_page:
        if story.headline and _same_story(placement.article.full_headline, _full_headline(story)):
            result.updated.append(placement.article)
            return placement
    article = Article.objects.create(headline=story.headline or "—", reporter=user, dateline="")
    result.created.append(article)
    return Placement.objects.create(page=page, article=article)


def _full_headline(story: ParsedStory) -> str:
    return " ".join(part for part in (story.kicker, story.headline, story.subheadline) if part)


def _same_story(known: str, found: str) -> bool:
    """Headlines of two parts of a story: equal, or one inside the other (a shortened repeat)."""
    known, found = known.replace(" ", ""), found.replace(" ", "")
    return bool(known and found) and (known == found or known in found or found in known)


def _fill_article(article: Article, story: ParsedStory) -> None:
    article.kicker = story.kicker
    article.headline = story.headline or article.headline
    article.subheadline = story.subheadline
    article.byline = story.byline
    article.dateline = story.dateline


def _jump(placement: Placement, story: ParsedStory, *, to_number: int, user, result: PageImport) -> None:
    page = placement.page
    to_page, _created = Page.objects.get_or_create(
        issue=page.issue, number=to_number, defaults={"name": ""}
    )
    continuation = to_page.placements.filter(article=placement.article).first()
    if continuation is None:
        continuation = _adopt_orphan_continuation(placement, to_page) or Placement.objects.create(
            page=to_page, article=placement.article, order=_next_order(to_page)
        )
        result.placeholders.append(continuation)
    jump, _created = Jump.objects.update_or_create(
        placement=placement, defaults={"to_page": to_page, "after_paragraph": 1}
    )
    result.jumps.append(jump)


def _adopt_orphan_continuation(placement: Placement, to_page: Page) -> Placement | None:
    """A continuation imported before its first part became a story of its own: join it to this one."""
    for candidate in to_page.placements.filter(article__isnull=False).select_related("article"):
        orphan = candidate.article
        if orphan.pk == placement.article_id or not _same_story(
            orphan.full_headline, placement.article.full_headline
        ):
            continue
        if orphan.placements.exclude(pk=candidate.pk).exists():
            continue
        candidate.article = placement.article
        candidate.save(update_fields=["article"])
        Teaser.objects.filter(article=orphan).update(article=placement.article)
        orphan.delete()
        return candidate
    return None


def _article_on_pages(issue: Issue, numbers: list[int], *, headline: str, kicker: str, user, result) -> Article:
    """The story a teaser points at: found on its pages by headline, or a placeholder placed there."""
    for placement in Placement.objects.filter(
        page__issue=issue, page__number__in=numbers, article__isnull=False
    ).select_related("article"):
        if _same_story(placement.article.full_headline, headline):
            return placement.article
    article = Article.objects.create(headline=headline, reporter=user, dateline="")
    result.created.append(article)
    for number in numbers:
        page, _created = Page.objects.get_or_create(issue=issue, number=number, defaults={"name": ""})
        result.placeholders.append(
            Placement.objects.create(page=page, article=article, order=_next_order(page))
        )
    return article


def _next_order(page: Page) -> int:
    return (page.placements.aggregate(last=Max("order"))["last"] or 0) + 1


def _rebuild_body(article: Article, issue: Issue) -> None:
    """Join the imported parts in page order and set each jump where its part ends."""
    placements = list(
        article.placements.filter(page__issue=issue).select_related("page", "jump").order_by("page__number")
    )
    paragraphs: list[str] = []
    for placement in placements:
        paragraphs.extend(placement.imported_paragraphs or [])
        jump = getattr(placement, "jump", None)
        if jump is not None and jump.after_paragraph != max(len(paragraphs), 1):
            jump.after_paragraph = max(len(paragraphs), 1)
            jump.save(update_fields=["after_paragraph"])
    article.body = paragraphs_to_html(paragraphs)
    article.save()
