"""The only writers of contributors, credits and rate tables (the statement's writes are in statements.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from articles.contributors.bylines import Name, parse_byline
from articles.contributors.models import Contributor, Credit, RateBand, RateTable, StatementLine
from articles.models import Article, Photo
from articles.search import search_document_update
from newsroom.cache import invalidate_on_commit


@transaction.atomic
def contributor_save(*, contributor: Contributor) -> Contributor:
    """Add or change a contributor (two people of the same name are both kept: the desk chooses)."""
    contributor.full_clean()
    name_before = (
        Contributor.objects.filter(pk=contributor.pk).values_list("name", flat=True).first() if contributor.pk else None
    )
    contributor.save()
    if name_before is not None and name_before != contributor.name:
        # A rename changes every byline that credits them: search finds their stories by the new name.
        for article in Article.objects.filter(credits__contributor=contributor).distinct().prefetch_related("tags"):
            search_document_update(article=article)
    return contributor


@transaction.atomic
def contributor_delete(*, contributor: Contributor) -> None:
    """Delete a contributor nobody has paid; their credits stay on the stories as one-off names."""
    if StatementLine.objects.filter(contributor=contributor).exists():
        raise ValidationError(
            _("{name} has been paid for stories and cannot be deleted: untick “active” instead.").format(
                name=contributor.name
            )
        )
    Credit.objects.filter(contributor=contributor).update(contributor=None, name=contributor.name)
    contributor.delete()
    invalidate_on_commit()  # the update() above sends no signal: bylines on the public pages changed


def credits_open(article: Article | None) -> bool:
    """Whether the story may still change its credits: it is in no released issue (a story not yet saved is)."""
    from issues.models import Placement  # lazy: issues imports articles

    return article is None or not Placement.objects.released().filter(article=article).exists()


def credit_check_open(*, article: Article | None) -> None:
    """Refuse to change the byline of a story already in a released issue: that takes a 更正."""
    if not credits_open(article):
        raise ValidationError(
            _("“{headline}” ran in a released issue: its byline changes only through a correction.").format(
                headline=article.headline
            )
        )


@transaction.atomic
def credit_save(*, credit: Credit) -> Credit:
    """Add or change one credit of a story still on the desk."""
    credit_check_open(article=credit.article)
    credit.full_clean()
    credit.save()
    if credit.article is not None:
        search_document_update(article=credit.article)
    return credit


@transaction.atomic
def credit_delete(*, credit: Credit) -> None:
    """Remove one credit of a story still on the desk."""
    article = credit.article
    credit_check_open(article=article)
    credit.delete()
    if article is not None:
        search_document_update(article=article)


@transaction.atomic
def credit_confirm(
    *, credit: Credit, contributor: Contributor | None = None, kind: str = Contributor.Kind.OUTSIDE, unit: str = ""
) -> Contributor:
    """Turn a one-off name into a contributor (a new one, or the one the desk chose), on every credit of that name.

    The printed name stays the same, so this is allowed on released stories too.
    """
    if credit.contributor_id:
        raise ValidationError(_("This credit already names a contributor."))
    if contributor is None:
        contributor = contributor_save(contributor=Contributor(name=credit.name, kind=kind, unit=unit))
    elif contributor.name != credit.name:
        raise ValidationError(
            _("The credit says {name}, not {other}.").format(name=credit.name, other=contributor.name)
        )
    Credit.objects.filter(contributor__isnull=True, name=credit.name).update(contributor=contributor, name="")
    invalidate_on_commit()  # update() sends no signal: the name now links to a contributor page
    return contributor


@dataclass
class CreditReport:
    """What reading a byline did: names matched to one contributor, names left as one-off names."""

    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _find(name: str, kind: str | None) -> Contributor | None:
    """The one active contributor of this name (the title's kind decides between two), else None."""
    candidates = list(Contributor.objects.filter(name=name, active=True))
    if kind is not None and len(candidates) > 1:
        candidates = [c for c in candidates if c.kind == kind] or candidates
    # Nobody of that name, or two people: a one-off name the desk confirms or chooses for.
    return candidates[0] if len(candidates) == 1 else None


def _names(sources: list[tuple[str, str]], report: CreditReport) -> list[Name]:
    """The names printed lines (text, role) credit, in order, each name and role once."""
    names: list[Name] = []
    seen: set = set()
    for text, role in sources:
        found, skipped = parse_byline(text, role=role)
        report.skipped.extend(skipped)
        for name in found:
            if (name.name, name.role) not in seen:
                seen.add((name.name, name.role))
                names.append(name)
    return names


def _byline_sources(article: Article, text: str) -> list[tuple[str, str]]:
    """What a story's credits are read from: its byline, then its photos' credit lines."""
    photos = [(photo.credit, Credit.Role.PHOTO) for photo in article.photos.all() if photo.credit]
    return [(text, Credit.Role.TEXT), *photos]


def _add_credits(*, report: CreditReport, sources: list[tuple[str, str]], **target) -> None:
    for order, found in enumerate(_names(sources, report)):
        contributor = _find(found.name, found.kind)
        (report.matched if contributor else report.unmatched).append(found.name)
        credit = Credit(contributor=contributor, name="" if contributor else found.name, role=found.role,
                        order=order, **target)
        credit.full_clean()
        credit.save()


@transaction.atomic
def credits_from_byline(*, article: Article, text: str | None = None) -> CreditReport:
    """Credit a story from its printed byline and its photos' credit lines, unless it has credits already.

    Names matching one active contributor are linked; the others stay one-off names for the desk.
    Not guarded by credit_check_open: it records what was printed, and changes no printed name.
    """
    report = CreditReport()
    if article.credits.exists():
        return report
    _add_credits(report=report, sources=_byline_sources(article, article.byline if text is None else text),
                 article=article)
    if report.matched or report.unmatched:
        search_document_update(article=article)
    return report


@transaction.atomic
def credits_from_photo_credit(*, photo: Photo) -> CreditReport:
    """Credit photo news (a photo printed by itself) from its credit line, unless it has credits already."""
    report = CreditReport()
    if photo.article_id is None and photo.credit and not photo.credits.exists():
        _add_credits(report=report, sources=[(photo.credit, Credit.Role.PHOTO)], photo=photo)
    return report


def _read_from_byline(article: Article, text: str) -> bool:
    """Whether the story's credits are exactly what credits_from_byline makes of this byline today.

    Anything the desk did by hand (another name or role, a new order, one of two namesakes chosen)
    makes them differ; a one-off name confirmed into a contributor since does not.
    """
    credits = [(c.contributor_id, c.display_name, c.role) for c in article.credits.select_related("contributor")]
    read = []
    for found in _names(_byline_sources(article, text), CreditReport()):
        contributor = _find(found.name, found.kind)
        read.append((contributor.pk if contributor else None, found.name, found.role))
    return credits == read


@transaction.atomic
def credits_follow_byline(*, article: Article, byline_before: str) -> CreditReport | None:
    """The desk typed a new byline: credit the story from it if its credits are none or were read from the old one.

    Credits edited by hand are never replaced, and a story that ran in a released issue keeps its
    credits (its byline changes only through a correction). None when nothing was credited.
    """
    if article.byline == byline_before:
        return None
    credits = list(article.credits.all())
    if credits and not _read_from_byline(article, byline_before):
        return None
    if not credits_open(article):
        return None
    for credit in credits:
        credit_delete(credit=credit)
    return credits_from_byline(article=article)


def check_bands(bands: list[RateBand]) -> None:
    """Refuse bands that overlap or leave a gap, naming the band; they must start at 0 and end open."""
    ordered = sorted(bands, key=lambda band: band.min_chars)
    if not ordered:
        raise ValidationError(_("A rate table needs at least one length band."))
    if ordered[0].min_chars != 0:
        raise ValidationError(
            _("The first band ({band}) must start at 0 characters.").format(band=ordered[0].label)
        )
    for before, after in zip(ordered, ordered[1:]):
        if before.max_chars is None or after.min_chars <= before.max_chars:
            raise ValidationError(
                _("The band {band} overlaps the band {other}.").format(band=after.label, other=before.label)
            )
        if after.min_chars != before.max_chars + 1:
            raise ValidationError(
                _("Between the band {band} and the band {other} no story length is paid: a gap.").format(
                    band=before.label, other=after.label
                )
            )
    for band in ordered:
        if band.max_chars is not None and band.max_chars < band.min_chars:
            raise ValidationError(_("The band {band} ends before it starts.").format(band=band.label))
    if ordered[-1].max_chars is not None:
        raise ValidationError(
            _("The last band ({band}) must have no upper limit, or longer stories are paid nothing.").format(
                band=ordered[-1].label
            )
        )


@transaction.atomic
def rate_table_save(*, table: RateTable, bands: list[tuple[int, int | None, Decimal]]) -> RateTable:
    """Save a rate table with its length bands (from, to, amount), refusing overlaps and gaps."""
    new_bands = [RateBand(min_chars=low, max_chars=high, amount=amount) for low, high, amount in bands]
    check_bands(new_bands)
    table.full_clean()
    table.save()
    table.bands.all().delete()
    for band in new_bands:
        band.table = table
        band.full_clean()
        band.save()
    # Paid months keep their stored lines (statements.py): a rate change never reaches them.
    return table
