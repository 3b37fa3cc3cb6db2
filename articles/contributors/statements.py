"""The monthly 稿费 statement: computed from published stories and the rate table of their date, frozen once paid.

A story belongs to the month of the first released issue it ran in. Each text credit shares the
story's band amount (plus the 头版 and 评论 extras) equally; each photo credit shares the per-photo
rate times the story's photos. A 撤稿 or 更正 after the story's month was paid becomes an adjustment
line in the month it happened: what the story is worth now, less what was paid for it.
"""

import calendar
import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.contributors.models import Contributor, Credit, RateTable, Statement, StatementLine
from articles.models import Article, Correction, Photo, Transition
from articles.text import char_count

COMMENTARY_TAG = "评论"
CENT = Decimal("0.01")
PAID_ROLES = (Credit.Role.TEXT, Credit.Role.PHOTO)


@dataclass
class Line:
    """One amount of a month: a contributor's share of a story or its photos, or an adjustment."""

    name: str
    role: str
    title: str
    issue_date: datetime.date
    amount: Decimal
    contributor: Contributor | None = None
    article_id: int | None = None
    photo_id: int | None = None
    chars: int = 0
    photos: int = 0
    band: str = ""
    adjustment: bool = False
    note: str = ""

    @property
    def role_label(self) -> str:
        return Credit.Role(self.role).label

    @property
    def unit(self) -> str:
        return self.contributor.unit if self.contributor else ""


@dataclass
class Person:
    name: str
    unit: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


@dataclass
class MonthStatement:
    month: datetime.date
    lines: list[Line]
    statement: Statement | None = None
    uncredited: list[Article] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.statement is not None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def people(self) -> list[Person]:
        people: dict = {}
        for line in self.lines:
            key = (line.name, line.contributor.pk if line.contributor else None)
            people.setdefault(key, Person(name=line.name, unit=line.unit)).lines.append(line)
        return list(people.values())


def month_range(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month's first day and the next month's first day."""
    start = month.replace(day=1)
    return start, start + datetime.timedelta(days=calendar.monthrange(start.year, start.month)[1])


def split(amount: Decimal, ways: int) -> list[Decimal]:
    """An amount shared equally, to the cent; the first share takes the remainder."""
    share = (amount / ways).quantize(CENT, rounding=ROUND_DOWN)
    return [amount - share * (ways - 1)] + [share] * (ways - 1)


class Rates:
    """Every rate table with its bands (two queries), and the one in force on a day."""

    def __init__(self) -> None:
        self.tables = list(RateTable.objects.prefetch_related("bands").order_by("-starts_on"))

    def on(self, day: datetime.date) -> RateTable | None:
        return next((table for table in self.tables if table.starts_on <= day), None)

    @staticmethod
    def band(table: RateTable, chars: int):
        return next(
            (b for b in table.bands.all() if b.min_chars <= chars and (b.max_chars is None or chars <= b.max_chars)),
            None,
        )


def credited_articles(queryset):
    """Stories with what their 稿费 needs: first issue date, 头版, 评论, photo count, credits (2 queries)."""
    from issues.models import Placement  # lazy: issues imports articles

    released = Placement.objects.released().filter(article=OuterRef("pk"))
    photo_count = Photo.objects.filter(article=OuterRef("pk")).values("article").annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        first_issue_date=Subquery(released.order_by("page__issue__date").values("page__issue__date")[:1]),
        on_front_page=Exists(released.filter(page__number=1)),
        is_commentary=Exists(Article.objects.filter(pk=OuterRef("pk"), tags__name=COMMENTARY_TAG)),
        photo_count=Coalesce(Subquery(photo_count, output_field=IntegerField()), 0),
    ).prefetch_related(Prefetch("credits", queryset=Credit.objects.select_related("contributor")))


def article_lines(article: Article, rates: Rates) -> list[Line]:
    """What a story's credits earn under the rate table of its first issue date."""
    day = article.first_issue_date
    table = rates.on(day)
    chars = char_count(article.body)
    lines: list[Line] = []
    credits = [c for c in article.credits.all() if c.role in PAID_ROLES]
    text_credits = [c for c in credits if c.role == Credit.Role.TEXT]
    photo_credits = [c for c in credits if c.role == Credit.Role.PHOTO]
    band = Rates.band(table, chars) if table else None
    note = "" if table else str(_("No rate table covers this date."))
    if text_credits:
        amount = Decimal("0")
        extras = []
        if band is not None:
            amount += band.amount
        if table is not None and article.on_front_page and table.front_page_extra:
            amount += table.front_page_extra
            extras.append(_g("front page"))
        if table is not None and article.is_commentary and table.commentary_extra:
            amount += table.commentary_extra
            extras.append(_g("commentary"))
        for credit, share in zip(text_credits, split(amount, len(text_credits))):
            lines.append(Line(
                name=credit.display_name, contributor=credit.contributor, role=credit.role, title=article.headline,
                issue_date=day, amount=share, article_id=article.pk, chars=chars,
                band=band.label if band else "", note=note or " + ".join(extras),
            ))
    if photo_credits and article.photo_count:
        amount = (table.photo_amount if table else Decimal("0")) * article.photo_count
        for credit, share in zip(photo_credits, split(amount, len(photo_credits))):
            lines.append(Line(
                name=credit.display_name, contributor=credit.contributor, role=credit.role, title=article.headline,
                issue_date=day, amount=share, article_id=article.pk, photos=article.photo_count, note=note,
            ))
    return lines


def _photo_news_lines(start: datetime.date, end: datetime.date, rates: Rates) -> list[Line]:
    from issues.models import Placement  # lazy: issues imports articles

    first = Placement.objects.released().filter(photo=OuterRef("pk")).order_by("page__issue__date")
    photos = (
        Photo.objects.published()
        .filter(article__isnull=True)
        .annotate(first_issue_date=Subquery(first.values("page__issue__date")[:1]))
        .filter(first_issue_date__gte=start, first_issue_date__lt=end)
        .prefetch_related(Prefetch("credits", queryset=Credit.objects.select_related("contributor")))
    )
    lines = []
    for photo in photos:
        credits = [c for c in photo.credits.all() if c.role == Credit.Role.PHOTO]
        table = rates.on(photo.first_issue_date)
        amount = table.photo_amount if table else Decimal("0")
        for credit, share in zip(credits, split(amount, len(credits)) if credits else []):
            lines.append(Line(
                name=credit.display_name, contributor=credit.contributor, role=credit.role,
                title=str(photo)[:300], issue_date=photo.first_issue_date, amount=share, photo_id=photo.pk, photos=1,
            ))
    return lines


def _key(line) -> tuple:
    return (line.article_id, line.contributor.pk if line.contributor else None, line.name, line.role)


def _adjustments(start: datetime.date, end: datetime.date, rates: Rates) -> list[Line]:
    """撤稿 and 更正 this month on stories of months already paid: worth now, less paid."""
    start_at, end_at = (timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in (start, end))
    paid_at = (
        Statement.objects.filter(month__lt=start, lines__article=OuterRef("article")).order_by("paid_at").values("paid_at")[:1]
    )
    events: dict[int, str] = {}
    for article_id in (
        Transition.objects.filter(action=Transition.Action.WITHDRAW, at__gte=start_at, at__lt=end_at)
        .annotate(paid_at=Subquery(paid_at)).filter(at__gt=F("paid_at"))
        .values_list("article_id", flat=True)
    ):
        events[article_id] = _g("withdrawn (撤稿)")
    for article_id in (
        Correction.objects.filter(article__isnull=False, corrected_at__gte=start_at, corrected_at__lt=end_at)
        .annotate(paid_at=Subquery(paid_at)).filter(corrected_at__gt=F("paid_at"))
        .values_list("article_id", flat=True)
    ):
        events.setdefault(article_id, _g("corrected (更正)"))
    if not events:
        return []
    paid: dict[tuple, Decimal] = defaultdict(Decimal)
    titles: dict[int, tuple] = {}
    paid_lines = (
        StatementLine.objects.filter(article__in=events, statement__month__lt=start)
        .select_related("contributor")
    )
    for line in paid_lines:
        paid[_key(line)] += line.amount
        titles.setdefault(line.article_id, (line.title, line.issue_date))
    due: dict[tuple, Line] = {}
    for article in credited_articles(Article.objects.published().filter(pk__in=events)):
        for line in article_lines(article, rates):
            due[_key(line)] = line
    lines = []
    contributors = {line.contributor.pk: line.contributor for line in paid_lines if line.contributor}
    for key in sorted(set(paid) | set(due), key=lambda k: (k[2], k[1] or 0, k[0], k[3])):
        article_id, contributor_id, name, role = key
        now = due[key].amount if key in due else Decimal("0")
        title, day = titles.get(article_id, (due[key].title, due[key].issue_date) if key in due else ("", start))
        lines.append(Line(
            name=name, contributor=contributors.get(contributor_id) or (due[key].contributor if key in due else None),
            role=role, title=title, issue_date=day, amount=now - paid[key], article_id=article_id,
            adjustment=True, note=events[article_id],
        ))
    return lines


def month_statement(month: datetime.date) -> MonthStatement:
    """The statement of a month: its stored lines once paid, else computed now (a constant number of queries)."""
    start, end = month_range(month)
    statement = Statement.objects.filter(month=start).first()
    if statement is not None:
        stored = statement.lines.select_related("contributor").order_by("name", "contributor", "issue_date", "pk")
        return MonthStatement(month=start, statement=statement, lines=[
            Line(name=s.name, contributor=s.contributor, role=s.role, title=s.title, issue_date=s.issue_date,
                 amount=s.amount, article_id=s.article_id, photo_id=s.photo_id, chars=s.chars, photos=s.photos,
                 band=s.band, adjustment=s.adjustment, note=s.note)
            for s in stored
        ])
    rates = Rates()
    lines: list[Line] = []
    uncredited = []
    articles = credited_articles(Article.objects.published()).filter(
        first_issue_date__gte=start, first_issue_date__lt=end
    ).order_by("first_issue_date", "pk")
    for article in articles:
        found = article_lines(article, rates)
        if not any(c.role in PAID_ROLES for c in article.credits.all()):
            uncredited.append(article)
        lines.extend(found)
    lines.extend(_photo_news_lines(start, end, rates))
    lines.extend(_adjustments(start, end, rates))
    lines.sort(key=lambda line: (line.name, line.contributor.pk if line.contributor else 0, line.adjustment,
                                 line.issue_date, line.title))
    return MonthStatement(month=start, lines=lines, uncredited=uncredited)


def statement_months() -> list[datetime.date]:
    """Months with a released issue, newest first (one query)."""
    from issues.models import Issue  # lazy: issues imports articles

    return [day.replace(day=1) for day in Issue.objects.released().dates("date", "month", order="DESC")]


@transaction.atomic
def statement_mark_paid(*, month: datetime.date, user) -> Statement:
    """The finance office paid a month: store its lines as they are now; they never change again."""
    start, end = month_range(month)
    if Statement.objects.select_for_update().filter(month=start).exists():
        raise ValidationError(_("{month} is already paid.").format(month=start.strftime("%Y-%m")))
    if end > timezone.localdate():
        raise ValidationError(
            _("{month} is not over yet: it can be paid from {day} on.").format(
                month=start.strftime("%Y-%m"), day=end.isoformat()
            )
        )
    computed = month_statement(start)
    statement = Statement(month=start, paid_at=timezone.now(), paid_by=user, total=computed.total)
    statement.full_clean()
    statement.save()
    StatementLine.objects.bulk_create([
        StatementLine(
            statement=statement, contributor=line.contributor, name=line.name, article_id=line.article_id,
            photo_id=line.photo_id, role=line.role, title=line.title[:300], issue_date=line.issue_date,
            chars=line.chars, photos=line.photos, band=line.band, amount=line.amount,
            adjustment=line.adjustment, note=line.note[:200],
        )
        for line in computed.lines
    ])
    return statement


HEADER = [
    _("name"), _("unit"), _("role"), _("issue date"), _("story"), _("characters"), _("photos"), _("band"),
    _("note"), _("amount"),
]


def _row(line: Line) -> list:
    return [line.name, line.unit, str(line.role_label), line.issue_date, line.title, line.chars or None,
            line.photos or None, line.band, line.note, line.amount]


def statement_xlsx(month_statement: MonthStatement) -> bytes:
    """The statement as a spreadsheet: a row a line, a SUM row per person, and the month's total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = month_statement.month.strftime("%Y-%m")
    sheet.append([str(h) for h in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    subtotal_cells = []
    for person in month_statement.people:
        first = sheet.max_row + 1
        for line in person.lines:
            sheet.append(_row(line))
            sheet.cell(sheet.max_row, 4).number_format = "yyyy-mm-dd"
            sheet.cell(sheet.max_row, 10).number_format = "0.00"
        last = sheet.max_row
        sheet.append([_g("Subtotal: {name}").format(name=person.name), None, None, None, None, None, None, None,
                      None, f"=SUM(J{first}:J{last})"])
        row = sheet.max_row
        sheet.cell(row, 10).number_format = "0.00"
        for cell in sheet[row]:
            cell.font = Font(bold=True)
        subtotal_cells.append(f"J{row}")
    sheet.append([_g("Total"), None, None, None, None, None, None, None, None,
                  "=" + "+".join(subtotal_cells) if subtotal_cells else 0])
    sheet.cell(sheet.max_row, 10).number_format = "0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJ", (10, 14, 10, 12, 40, 8, 8, 16, 24, 10)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statement_csv(month_statement: MonthStatement) -> bytes:
    """The statement as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in HEADER])
    for person in month_statement.people:
        for line in person.lines:
            writer.writerow(["" if v is None else v for v in _row(line)])
        writer.writerow([_g("Subtotal: {name}").format(name=person.name), "", "", "", "", "", "", "", "", person.total])
    writer.writerow([_g("Total"), "", "", "", "", "", "", "", "", month_statement.total])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Tally:
    """考核: what one contributor published in a period."""

    name: str
    kind: str
    unit: str
    stories: int = 0
    characters: int = 0
    front_page: int = 0
    photos: int = 0


def review_tallies(start: datetime.date, end: datetime.date) -> list[Tally]:
    """考核 counts per contributor for stories first printed from ``start`` to ``end`` (inclusive), 3 queries."""
    tallies: dict = {}
    articles = credited_articles(Article.objects.published()).filter(
        first_issue_date__gte=start, first_issue_date__lte=end
    )
    for article in articles:
        chars = char_count(article.body)
        for credit in article.credits.all():
            key = (credit.contributor_id, credit.display_name)
            kind = credit.contributor.get_kind_display() if credit.contributor else _g("one-off")
            tally = tallies.setdefault(key, Tally(name=credit.display_name, kind=str(kind),
                                                  unit=credit.contributor.unit if credit.contributor else ""))
            if credit.role == Credit.Role.TEXT:
                tally.stories += 1
                tally.characters += chars
                tally.front_page += article.on_front_page
            elif credit.role == Credit.Role.PHOTO:
                tally.photos += article.photo_count
    return sorted(tallies.values(), key=lambda t: (-t.stories, -t.characters, t.name))


REVIEW_HEADER = [_("name"), _("kind"), _("unit"), pgettext_lazy("count", "stories"), _("characters"), _("front-page stories"), _("photos")]


def review_csv(tallies: list[Tally]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in REVIEW_HEADER])
    for t in tallies:
        writer.writerow([t.name, t.kind, t.unit, t.stories, t.characters, t.front_page, t.photos])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
