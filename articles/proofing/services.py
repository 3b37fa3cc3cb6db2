"""校对's one door: word lists in and out, checking a story, waiving a hit, and the gate before 终审.

Every write of the proofing tables goes through these services; the admin, the desk, the
management commands and the demo call them.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ahocorasick
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Transition
from articles.proofing.engine import Found, checker, proofread
from articles.proofing.models import LIST_CATEGORIES, ArticleCheck, Category, Hit, Term, TermList, Waiver
from articles.proofing.text import FieldText, count_characters, html_text, plain_text
from articles.services import article_log
from articles.workflow import waive_refusal

if TYPE_CHECKING:  # issues depends on articles, not the reverse: imported where used
    from issues.models import Issue, Page
    from issues.services import IssueLayout, Problem

# The national rule for newspapers (报纸期刊质量管理规定, 2020): at most 3 errors per 10,000 characters.
ERROR_RATE_LIMIT = 3
IMPORT_BATCH = 2000

FIELD_LABELS = {
    "kicker": _("kicker"),
    "headline": _("headline"),
    "subheadline": _("subheadline"),
    "body": _("body"),
    "caption": _("caption"),
    "teaser": _("teaser"),
}


def field_label(name: str) -> str:
    """“caption:12” as 图片说明 (photo 12), “body” as 正文."""
    base, _sep, number = name.partition(":")
    label = str(FIELD_LABELS.get(base, base))
    return f"{label} {number}" if number else label


def error_rate(errors: int, characters: int) -> float:
    """Errors per 10,000 characters."""
    return round(errors * 10000 / characters, 2) if characters else 0.0


# --- Word lists ------------------------------------------------------------------------------------


def term_list_touch(*, term_list: TermList) -> None:
    """A new version of the list: every checker rebuilds its automaton on its next check."""
    TermList.objects.filter(pk=term_list.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def term_list_save(*, term_list: TermList) -> TermList:
    """Create or change a list (name, source, active, order)."""
    term_list.full_clean()
    if term_list.pk:
        term_list.version += 1
    term_list.save()
    return term_list


@transaction.atomic
def term_save(*, term: Term) -> Term:
    """Create or change one entry; empty and duplicate terms are refused with the reason."""
    term.text = (term.text or "").strip()
    if not term.text:
        raise ValidationError({"text": _("A term cannot be empty.")}, code="empty")
    term.full_clean()
    term.save()
    term_list_touch(term_list=term.term_list)
    return term


@transaction.atomic
def term_delete(*, terms: list[Term]) -> None:
    """Remove entries, and with them (Hit.term cascades) every story's stored hits of those entries.

    A waiver of a deleted entry stays in the review log, its term emptied.
    """
    lists = {term.term_list_id for term in terms}
    Term.objects.filter(pk__in=[term.pk for term in terms]).delete()
    # One update for every list touched (term_list_touch's new version), not one per list.
    TermList.objects.filter(pk__in=lists).update(version=F("version") + 1, updated_at=timezone.now())


CATEGORY_NAMES = {}
for _category in LIST_CATEGORIES:
    CATEGORY_NAMES[_category.value] = _category.value
for _name, _code in (
    ("敏感词", "sensitive"), ("禁用词", "banned"), ("慎用词", "care"), ("规范表述", "standard"),
    ("常见错别字", "typo"), ("错别字", "typo"), ("use with care", "care"), ("standard wording", "standard"),
    ("common typo", "typo"), ("sensitive term", "sensitive"), ("banned term", "banned"),
):
    CATEGORY_NAMES[_name] = _code
YES = {"1", "yes", "y", "true", "是", "阻止", "blocks", "x"}
NO = {"", "0", "no", "n", "false", "否"}


@dataclass
class ImportReport:
    """What an import did, line by line where something was left out."""

    encoding: str = "utf-8"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    empty_lines: list[int] = field(default_factory=list)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (line, term, first line)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    contained: list[tuple[str, str]] = field(default_factory=list)  # (longer, shorter)
    contained_count: int = 0

    def messages(self) -> list[str]:
        """The report as lines for the desk and the command line."""
        lines = [
            str(
                _("Read as {encoding}: {added} terms added, {updated} changed, {unchanged} already there.").format(
                    encoding=self.encoding, added=self.added, updated=self.updated, unchanged=self.unchanged
                )
            )
        ]
        if self.empty_lines:
            lines.append(
                str(_("{count} empty lines skipped (lines {lines}).").format(
                    count=len(self.empty_lines), lines=_numbers([line for line in self.empty_lines])
                ))
            )
        if self.duplicates:
            lines.append(
                str(_("{count} terms appear twice in the file; the first is kept: {examples}.").format(
                    count=len(self.duplicates),
                    examples="、".join(f"{term} ({line}↔{first})" for line, term, first in self.duplicates[:10]),
                ))
            )
        for line, why in self.refused[:20]:
            lines.append(str(_("Line {line} was not imported: {why}").format(line=line, why=why)))
        if len(self.refused) > 20:
            lines.append(str(_("… and {count} more lines not imported.").format(count=len(self.refused) - 20)))
        if self.contained_count:
            lines.append(
                str(_(
                    "{count} terms contain another term of the list; where both match, the longer one is reported: {examples}."
                ).format(
                    count=self.contained_count,
                    examples="、".join(f"{longer}⊃{shorter}" for longer, shorter in self.contained[:10]),
                ))
            )
        return lines


def _numbers(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:15])
    return shown + (" …" if len(lines) > 15 else "")


def decode_upload(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (with or without a BOM), UTF-16 with a BOM, or GBK/GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
        return text, "UTF-8 (BOM)" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is neither UTF-8 nor GBK text; save it as UTF-8 and import it again."), code="encoding"
        )


def _rows(text: str):
    """(line number, cells) of a CSV or a plain list (one term a line, or tab-separated)."""
    dialect = "excel-tab" if "\t" in text.partition("\n")[0] else "excel"
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect=dialect), start=1):
        yield number, [cell.strip() for cell in cells]


HEADER_WORDS = {"term", "词条", "词语", "text"}


@transaction.atomic
def terms_import(
    *, term_list: TermList, data: bytes, category: str = Category.BANNED, blocking: bool | None = None
) -> ImportReport:
    """Read a word list file into a list: new terms added, known ones updated, nothing deleted.

    Columns: term, category, replacement, note, blocks (the last four optional; a plain text file
    is one term a line). Lines left out (empty, duplicate, unknown category, too long) are named in
    the report; the rest is imported.
    """
    text, encoding = decode_upload(data)
    report = ImportReport(encoding=encoding)
    seen: dict[str, int] = {}
    wanted: dict[str, dict] = {}
    for number, cells in _rows(text):
        if not cells or not any(cells):
            report.empty_lines.append(number)
            continue
        term = cells[0]
        if number == 1 and term.lower() in HEADER_WORDS:
            continue
        if not term:
            report.refused.append((number, str(_("the term is empty."))))
            continue
        if len(term) > Term._meta.get_field("text").max_length:
            report.refused.append((number, str(_("the term is longer than 100 characters."))))
            continue
        if "\n" in term:
            report.refused.append((number, str(_("the term spans lines."))))
            continue
        if term in seen:
            report.duplicates.append((number, term, seen[term]))
            continue
        row_category = category
        if len(cells) > 1 and cells[1]:
            row_category = CATEGORY_NAMES.get(cells[1].lower(), CATEGORY_NAMES.get(cells[1]))
            if row_category is None:
                report.refused.append((number, str(_("unknown category “{category}”.").format(category=cells[1]))))
                continue
        # The file's own column wins; then the caller's choice; then the category (banned and sensitive block).
        flag = cells[4].lower() if len(cells) > 4 else ""
        if flag in YES:
            row_blocking = True
        elif flag and flag in NO:
            row_blocking = False
        elif flag:
            report.refused.append((number, str(_("“{value}” is not yes or no.").format(value=cells[4]))))
            continue
        elif blocking is not None:
            row_blocking = blocking
        else:
            row_blocking = row_category in (Category.BANNED, Category.SENSITIVE)
        seen[term] = number
        wanted[term] = {
            "category": row_category,
            "replacement": cells[2][:200] if len(cells) > 2 else "",
            "note": cells[3] if len(cells) > 3 else "",
            "blocking": row_blocking,
        }
    known = Term.objects.filter(term_list=term_list)
    if len(wanted) <= 500:  # a short file: ask for its own terms; a long one reads the list once
        known = known.filter(text__in=list(wanted))
    existing = {term.text: term for term in known}
    new, changed = [], []
    for text_, values in wanted.items():
        current = existing.get(text_)
        if current is None:
            new.append(Term(term_list=term_list, text=text_, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            changed.append(current)
        else:
            report.unchanged += 1
    Term.objects.bulk_create(new, batch_size=IMPORT_BATCH)
    Term.objects.bulk_update(changed, ["category", "replacement", "note", "blocking"], batch_size=IMPORT_BATCH)
    report.added, report.updated = len(new), len(changed)
    _find_contained(term_list, report)
    if new or changed:  # a file that changes nothing leaves every story's check current
        term_list_touch(term_list=term_list)
        # Build the new automaton (and share it through the cache) now, so the import waits for it,
        # not the next reporter's save: 100,000 terms take seconds.
        transaction.on_commit(checker)
    return report


def _find_contained(term_list: TermList, report: ImportReport) -> None:
    """Terms of the list that contain another of its terms (one automaton pass over the terms)."""
    texts = list(Term.objects.filter(term_list=term_list).values_list("text", flat=True))
    if len(texts) < 2:
        return
    automaton = ahocorasick.Automaton()
    for text in texts:
        automaton.add_word(text, text)
    automaton.make_automaton()
    for text in texts:
        for _end, inner in automaton.iter(text):
            if inner != text:
                report.contained_count += 1
                if len(report.contained) < 10:
                    report.contained.append((text, inner))
                break


def terms_export(*, term_list: TermList) -> str:
    """The list as CSV (UTF-8 with a BOM, which spreadsheet programs need for Chinese), ready to import again."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["term", "category", "replacement", "note", "blocks"])
    for text, category, replacement, note, blocking in term_list.terms.order_by("text").values_list(
        "text", "category", "replacement", "note", "blocking"
    ).iterator(chunk_size=5000):
        writer.writerow([text, category, replacement, note, "1" if blocking else "0"])
    return buffer.getvalue()


# --- Checking a story ------------------------------------------------------------------------------


def article_texts(article: Article) -> dict[str, FieldText]:
    """What 校对 reads of a story: the headline lines, the body and the photo captions."""
    texts = {
        "kicker": plain_text(article.kicker),
        "headline": plain_text(article.headline),
        "subheadline": plain_text(article.subheadline),
        "body": html_text(article.body),
    }
    if article.pk:
        for pk, caption in article.photos.order_by("order", "pk").values_list("pk", "caption"):
            texts[f"caption:{pk}"] = plain_text(caption)
    return texts


def texts_characters(texts: dict[str, FieldText]) -> int:
    return sum(count_characters(text.lined) for text in texts.values())


def _waiver_key(waiver: Waiver) -> tuple:
    return (waiver.term_id, waiver.rule, waiver.matched)


@transaction.atomic
def proofing_check(*, article: Article) -> list[Hit]:
    """Check a story against the lists and rules and store its hits, keeping the waivers that still apply."""
    texts = article_texts(article)
    using = checker()
    found = proofread(texts, using=using)
    waivers = {_waiver_key(waiver): waiver for waiver in Waiver.objects.filter(article=article)}
    Hit.objects.filter(article=article).delete()
    hits = [
        Hit(
            article=article,
            field=item.field,
            start=item.start,
            end=item.end,
            matched=item.matched[:200],
            before=item.before,
            after=item.after,
            term_id=item.term_id,
            rule=item.rule,
            category=item.category,
            suggestion=item.suggestion[:200],
            note=item.note,
            blocking=item.blocking,
            waiver=waivers.get(item.key),
        )
        for item in found
    ]
    # Derived rows, made from checked data: bulk_create without full_clean, as thousands may come at once.
    Hit.objects.bulk_create(hits, batch_size=1000)
    ArticleCheck.objects.update_or_create(
        article=article,
        defaults={
            "characters": texts_characters(texts),
            "lists": using.key,
            "checked_at": timezone.now(),
        },
    )
    return hits


def _hit_label(hit: Hit | Found) -> str:
    category = Category(hit.category).label
    return f"「{hit.matched}」({category})"


@transaction.atomic
def hit_waive(*, hit: Hit, user: AbstractBaseUser, reason: str) -> Waiver:
    """Let a hit stand as written, saying why; every occurrence of the same text by the same entry or rule
    in the story is waived, and the waiver is a step comment in the story's review log."""
    reason = (reason or "").strip()
    article = Article.objects.select_for_update().get(pk=hit.article_id)
    refused = waive_refusal(user, article)
    if refused is not None:
        raise refused
    if not reason:
        raise ValidationError({"reason": _("Say why the text stands as written.")}, code="required")
    # Read again under the story's lock: two editors waiving the same hit make one waiver, not two.
    if Waiver.objects.filter(article=article, term_id=hit.term_id, rule=hit.rule, matched=hit.matched).exists():
        raise ValidationError(_("“{matched}” is already waived.").format(matched=hit.matched), code="waived")
    waiver = Waiver(
        article=article, term_id=hit.term_id, rule=hit.rule, matched=hit.matched, reason=reason, waived_by=user
    )
    waiver.full_clean()
    waiver.save()
    Hit.objects.filter(article=article, term_id=hit.term_id, rule=hit.rule, matched=hit.matched).update(waiver=waiver)
    article_log(
        article,
        user=user,
        action=Transition.Action.WAIVE,
        from_status=article.status,
        comment=str(_("{hit} waived: {reason}").format(hit=_hit_label(hit), reason=reason)),
    )
    return waiver


def approval_refusal(*, article: Article) -> ValidationError | None:
    """Why 终审 must wait: the story checked again now, and its blocking hits neither fixed nor waived."""
    hits = [hit for hit in proofing_check(article=article) if hit.blocking and hit.waiver_id is None]
    if not hits:
        return None
    shown = "、".join(_hit_label(hit) for hit in hits[:5]) + ("…" if len(hits) > 5 else "")
    return ValidationError(
        _(
            "“{headline}” has {count} blocking proofreading hits neither fixed nor waived: {hits}. "
            "Fix them or waive them with a reason, then approve."
        ).format(headline=article.headline, count=len(hits), hits=shown),
        code="proofing_blocking",
    )


# --- An issue's pages ----------------------------------------------------------------------------


@dataclass
class PageProofing:
    """A page's (or the issue's) open hits and characters, and the error rate against the line."""

    characters: int = 0
    open_hits: int = 0
    blocking: int = 0

    @property
    def rate(self) -> float:
        return error_rate(self.open_hits, self.characters)

    @property
    def over_limit(self) -> bool:
        return self.rate > ERROR_RATE_LIMIT

    @property
    def limit(self) -> str:
        """The line, as a numeral in the reader's language (三 / 3) for “over the line”."""
        from issues.numerals import page_numeral

        return page_numeral(ERROR_RATE_LIMIT)

    def add(self, other: "PageProofing") -> None:
        self.characters += other.characters
        self.open_hits += other.open_hits
        self.blocking += other.blocking


def _loose_texts(placements, teasers) -> list[tuple[object, str, FieldText]]:
    """(page id, where, text) of what a page prints outside stories: photo news captions, teaser headlines."""
    texts = []
    for placement in placements:
        if placement.photo_id and not placement.article_id and placement.photo.caption:
            texts.append((placement.page_id, f"caption:{placement.photo_id}", plain_text(placement.photo.caption)))
    for teaser in teasers:
        if teaser.headline:  # otherwise it prints the story's own headline, checked with the story
            texts.append((teaser.page_id, f"teaser:{teaser.pk}", plain_text(teaser.headline)))
    return texts


IssueProofing = tuple[dict[int, PageProofing], PageProofing, list[tuple[int, str, Found | Hit]]]


def issue_proofing(*, issue: "Issue", layout: "IssueLayout | None" = None) -> IssueProofing:
    """Per page and for the whole issue: characters, open hits and blocking hits, and the blocking ones
    as (page id, the story's headline or the field, hit).

    Stories are read from their stored hits; one checked against older lists is checked again and
    saved first, so the release never trusts a check the lists have moved past.
    """
    from issues.services import issue_layout

    layout = layout or issue_layout(issue)
    # In reading order by page number: a story on two pages is counted on the one it starts on.
    pages, placements, teasers = layout.pages, layout.placements, layout.teasers
    articles = {p.article_id: p.article for p in placements if p.article_id}
    using = checker()

    def stored_checks() -> dict[int, tuple[int, str]]:
        return {
            article_id: (characters, lists)
            for article_id, characters, lists in ArticleCheck.objects.filter(article__in=articles).values_list(
                "article_id", "characters", "lists"
            )
        }

    checks = stored_checks()
    stale = [article_id for article_id in articles if checks.get(article_id, (0, None))[1] != using.key]
    if stale:
        for article_id in stale:
            proofing_check(article=articles[article_id])
        checks = stored_checks()
    characters = {article_id: checks.get(article_id, (0, ""))[0] for article_id in articles}
    hits_by_article: dict[int, list[Found | Hit]] = {}
    for hit in Hit.objects.open().filter(article__in=articles):
        hits_by_article.setdefault(hit.article_id, []).append(hit)
    per_page = {page.pk: PageProofing() for page in pages}
    blocking: list[tuple[int, str, Found | Hit]] = []
    counted: set[int] = set()
    for placement in placements:
        if not placement.article_id or placement.article_id in counted:
            continue  # a story jumping to another page is counted once, on the page it starts on
        counted.add(placement.article_id)
        hits = hits_by_article.get(placement.article_id, [])
        stats = per_page[placement.page_id]
        stats.characters += characters.get(placement.article_id, 0)
        stats.open_hits += len(hits)
        for hit in hits:
            if hit.blocking:
                stats.blocking += 1
                blocking.append((placement.page_id, placement.article.headline, hit))
    for page_id, where, text in _loose_texts(placements, teasers):
        found = proofread({where: text}, using=using)
        stats = per_page[page_id]
        stats.characters += count_characters(text.lined)
        stats.open_hits += len(found)
        for item in found:
            if item.blocking:
                stats.blocking += 1
                blocking.append((page_id, field_label(where), item))
    total = PageProofing()
    for stats in per_page.values():
        total.add(stats)
    return per_page, total, blocking


def issue_proofing_problems(
    *, issue: "Issue", pages: "list[Page]", proofing: IssueProofing | None = None, layout: "IssueLayout | None" = None
) -> "list[Problem]":
    """The release's problems from 校对: every blocking hit on the issue's pages neither fixed nor waived.

    ``proofing`` is ``issue_proofing(issue=issue)`` when the caller already has it.
    """
    from issues.services import Problem

    by_id = {page.pk: page for page in pages}
    _per_page, _total, blocking = proofing if proofing is not None else issue_proofing(issue=issue, layout=layout)
    problems = []
    for page_id, where, hit in blocking:
        page = by_id[page_id]
        problems.append(
            Problem(
                "proofing",
                _("{page}: “{where}” has a blocking proofreading hit {hit}, neither fixed nor waived.").format(
                    page=page.label, where=where, hit=_hit_label(hit)
                ),
                page,
            )
        )
    return problems
