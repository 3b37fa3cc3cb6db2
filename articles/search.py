"""Full-text search over published articles, for Chinese as well as Latin text.

Chinese has no spaces between words, and most words have two characters, so the index holds
every pair of neighbouring Chinese characters (金坛区 → 金坛 坛区) and, once each, every single
character. A query finds exactly what was typed: one character matches the single-character
tokens, two characters one pair, longer words the phrase of their pairs ("金坛 坛区") in order.
Latin words and numbers are indexed as words. A dictionary segmenter such as jieba is not used
for the index: it cuts by probability ("金科园区委" → 金科/园区/委), so a name it cuts differently
from the reader's query would never be found.

The same token text feeds both databases: an FTS5 table on SQLite and a GIN-indexed tsvector
(configuration 'simple') on PostgreSQL, both made by migrations articles 0004 and 0005 (0015 adds
the functions PostgreSQL's phrase search walks with, see ``_walk_newest_first``). Both are kept in
step with the articles by ``search_document_update`` (called from articles.signals on every
save, tag change and placement, and from the credit services of articles.contributors when a
story's credits or a credited contributor's name change); ``manage.py rebuild_search_index``
rebuilds them all after bulk writes that skip signals (``QuerySet.update``, ``bulk_create``, raw SQL).
"""

import datetime
import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Min, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.models import SORT_KEY_DAY, Article, ArticleQuerySet, SearchDocument

# CJK ideographs: the unified block, extension A, compatibility ideographs and the supplementary
# planes (extensions B and on), where rare characters of people's and place names live.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")

FTS_TABLE = "articles_searchdocument_fts"
MAX_TERMS = 8
MAX_TERM_LENGTH = 40


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and digits (ＡＢＣ１２３) into ordinary ones, as readers type them.
    return unicodedata.normalize("NFKC", text).casefold()


def _grams_and_chars(text: str) -> tuple[list[str], list[str]]:
    """The text's tokens in order (character pairs and Latin words), and its Chinese characters."""
    grams: list[str] = []
    chars: list[str] = []
    for han, word in _TOKENS.findall(_normalize(text)):
        if han:
            chars.extend(han)
            grams.extend(han[i : i + 2] for i in range(len(han) - 1))
        else:
            grams.append(word)
    return grams, chars


def index_text(*parts: str) -> str:
    """Space-separated tokens for the index: each part's pairs and words in order, then its characters once."""
    grams: list[str] = []
    chars: set[str] = set()
    for part in parts:
        part_grams, part_chars = _grams_and_chars(part or "")
        grams.extend(part_grams)
        chars.update(part_chars)
    return " ".join([*grams, *sorted(chars)])


def body_text(body: str) -> str:
    """An article body as plain text, a line per paragraph (no character pair spans two paragraphs)."""
    from articles.text import split_paragraphs

    return "\n".join(html.unescape(strip_tags(block)) for block in split_paragraphs(body))


_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|td|th|tr|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def quick_text(body: str) -> str:
    """A sanitized body as plain text for excerpts, fast enough for a page of results.

    Only for display, where the text is escaped again; the index uses ``body_text``.
    """
    return html.unescape(_TAG.sub("", _BLOCK_END.sub(" ", body or "")))


# --- Keeping the index in step ------------------------------------------------------------------


def search_document_update(*, article: Article) -> SearchDocument:
    """Rewrite an article's search tokens and issue date from its text, credits, tags and placements."""
    from articles.contributors.models import Credit  # lazy: the contributors app builds on articles
    from issues.models import Placement  # lazy: the publication rule is the one place articles reads issues

    tags = sorted(tag.name for tag in article.tags.all())
    # Read afresh, not from article.credits: a credit saved since would not be in a prefetched cache.
    # Each name is its own part, so no character pair joins two people's names.
    credits = Credit.objects.filter(article=article).select_related("contributor")
    credited = [credit.display_name for credit in credits]
    issue_date = _first_day(
        Placement.objects.filter(article=article).aggregate(first=Min("page__issue__date"))["first"], article.online_at
    )
    document, _created = SearchDocument.objects.update_or_create(
        article=article,
        defaults={
            "title": index_text(article.kicker, article.headline, article.subheadline),
            "body": index_text(body_text(article.body), article.byline, *credited, *tags),
            "issue_date": issue_date,
            "sort_key": SearchDocument.make_sort_key(issue_date, article.pk),
        },
    )
    return document


def _first_day(issue_date: datetime.date | None, online_at: datetime.datetime | None) -> datetime.date | None:
    """The story's day for ordering and the date filter: its first issue, or its online release (网络首发) if earlier."""
    online_date = timezone.localdate(online_at) if online_at is not None else None
    return min((day for day in (issue_date, online_date) if day is not None), default=None)


def search_document_update_issue_dates(*, article_ids: list[int]) -> None:
    """Set the first day (issue or online release) of these articles' search documents."""
    # Two queries for any number of articles: a changed issue date moves all of its stories.
    firsts = (
        Article.objects.filter(pk__in=article_ids)
        .annotate(first=Min("placements__page__issue__date"))
        .values_list("pk", "first", "online_at")
    )
    days = {article_id: _first_day(first, online_at) for article_id, first, online_at in firsts}
    documents = [
        SearchDocument(
            article_id=article_id,
            issue_date=day,
            sort_key=SearchDocument.make_sort_key(day, article_id),
        )
        for article_id, day in days.items()
    ]
    SearchDocument.objects.bulk_update(documents, ["issue_date", "sort_key"])


def rebuild_index(*, batch_size: int = 500) -> int:
    """Recreate every article's search document; returns how many there are."""
    count = 0
    articles = Article.objects.prefetch_related("tags").order_by("pk")
    for article in articles.iterator(chunk_size=batch_size):
        search_document_update(article=article)
        count += 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return count


# --- Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What a reader typed, as the terms to highlight and the phrases every result must contain."""

    text: str
    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.phrases)

    @property
    def fts5(self) -> str:
        """SQLite FTS5: every phrase, in double quotes, must match (tokens are letters only)."""
        return " AND ".join('"{}"'.format(" ".join(phrase)) for phrase in self.phrases)

    @property
    def tsquery(self) -> str:
        """PostgreSQL to_tsquery: phrases of adjacent tokens, all of them required."""
        return " & ".join(
            "({})".format(" <-> ".join(f"'{token}'" for token in phrase)) for phrase in self.phrases
        )

    @property
    def has_phrase(self) -> bool:
        """Whether a phrase has more than one token: its order can only be checked in the story's text."""
        return any(len(phrase) > 1 for phrase in self.phrases)

    @property
    def tokens_tsquery(self) -> str:
        """PostgreSQL to_tsquery: every token of every phrase, in any order (the GIN index answers it alone)."""
        return " & ".join(f"'{token}'" for token in dict.fromkeys(token for phrase in self.phrases for token in phrase))


def parse_query(text: str) -> Query:
    """Split on spaces; each term must appear in the story as typed (one character or more)."""
    terms = tuple(term[:MAX_TERM_LENGTH] for term in text.split()[:MAX_TERMS])
    phrases: list[tuple[str, ...]] = []
    for term in terms:
        grams: list[str] = []
        for han, word in _TOKENS.findall(_normalize(term)):
            if han and len(han) == 1:
                phrases.append((han,))  # a lone character: the single-character tokens
            elif han:
                grams.extend(han[i : i + 2] for i in range(len(han) - 1))
            else:
                grams.append(word)
        if grams:
            phrases.append(tuple(grams))
    return Query(text=" ".join(terms), terms=terms, phrases=tuple(dict.fromkeys(phrases)))


def search_articles(
    query: Query,
    *,
    relevance: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordered: bool = True,
) -> ArticleQuerySet:
    """Published articles matching every phrase of the query, newest first or best match first.

    ``ordered=False``: the same articles in no order, for counting them.
    """
    articles = Article.objects.published().filter(search_document__isnull=False)
    if not query:
        return articles.none()
    # Date limits as sort keys: the index itself skips what lies outside them.
    low = SearchDocument.first_sort_key(date_from) if date_from else None
    # The day after date_to by sort key, not by date: 9999-12-31 has no next day (an OverflowError).
    high = SearchDocument.first_sort_key(date_to) + SORT_KEY_DAY if date_to else None
    # extra(): the match runs against the full-text index, which is no model field (an FTS5
    # virtual table or a generated tsvector column), so Django's ORM cannot name it.
    if connection.vendor == "sqlite":
        where = [f"{FTS_TABLE} MATCH %s", f'{FTS_TABLE}.rowid = "articles_searchdocument"."sort_key"']
        params: list = [query.fts5]
        if low is not None:
            where.append(f"{FTS_TABLE}.rowid >= %s")
            params.append(low)
        if high is not None:
            where.append(f"{FTS_TABLE}.rowid < %s")
            params.append(high)
        articles = articles.extra(tables=[FTS_TABLE], where=where, params=params)
        # Both orders are the index's own (rowid backwards, or FTS5's rank: bm25 with the title
        # lines weighted, set by the migration), so SQLite sorts nothing and stops after a page.
        return articles.extra(order_by=[f"{FTS_TABLE}.rank" if relevance else f"-{FTS_TABLE}.rowid"])

    tsquery = "to_tsquery('simple'::regconfig, %s)"
    if ordered and not relevance and query.has_phrase:
        articles = _walk_newest_first(articles, query, low, high)
    else:
        articles = articles.extra(where=[f'"articles_searchdocument"."vector" @@ {tsquery}'], params=[query.tsquery])
    articles = articles.filter(*_sort_key_range(low, high))
    if not ordered:
        return articles
    if relevance:
        rank = RawSQL(f'ts_rank(\'{{0.1, 0.2, 0.4, 1.0}}\', "articles_searchdocument"."vector", {tsquery})', [query.tsquery])
        return articles.annotate(rank=rank).order_by("-rank", "-search_document__sort_key")
    return articles.order_by("-search_document__sort_key")


# A phrase is common when this many stories of the latest RECENT_DAYS hold all its tokens (about
# one in twenty): walking the archive newest first then finds a page within a few hundred stories.
RECENT_DAYS = 60
COMMON_PHRASE = 200


def _walk_newest_first(articles: ArticleQuerySet, query: Query, low: int | None, high: int | None) -> ArticleQuerySet:
    """PostgreSQL, a phrase newest first: walk the sort key's index, checking the phrase, and stop after a page.

    The GIN index knows which stories hold a phrase's tokens, in no order; whether they stand
    together only each story's tsvector says (kilobytes, compressed). Left to itself the planner
    often checks every candidate and then keeps the newest twenty (0.45-2 s for a phrase in a
    tenth of the archive), as it takes a phrase's tokens to be independent and so rare. So one
    query counts the candidates of the latest RECENT_DAYS (the index alone). A phrase common
    there walks the archive newest first; a rarer one walks through its candidates only (an array
    from a subquery, whose length the planner cannot see): a phrase common years ago but not
    lately is not walked through every story since. Either way the phrase is checked only on the
    stories walked past.
    """
    tokens = "to_tsquery('simple'::regconfig, %s)"
    recent_high = high if high is not None else SearchDocument.first_sort_key(timezone.localdate()) + SORT_KEY_DAY
    recent_low = max(low or 0, recent_high - RECENT_DAYS * SORT_KEY_DAY)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT articles_search_candidate_count({tokens}, %s, %s)", [query.tokens_tsquery, recent_low, recent_high]
        )
        common = cursor.fetchone()[0] >= COMMON_PHRASE
    if common:
        # ts_match_vq() is the function behind @@: the same test, which the planner cannot hand
        # to the GIN index, so it walks the sort key's index.
        return articles.extra(
            where=[f'ts_match_vq("articles_searchdocument"."vector", {tokens})'], params=[query.tsquery]
        )
    candidates = f"articles_search_candidates({tokens}, %s, %s)"
    return articles.extra(
        where=[
            f'"articles_searchdocument"."sort_key" = ANY((SELECT {candidates})::bigint[])',
            f'"articles_searchdocument"."vector" @@ {tokens}',
        ],
        params=[query.tokens_tsquery, low, high, query.tsquery],
    )


def _sort_key_range(low: int | None, high: int | None) -> list[Q]:
    """The date filter as a range of sort keys (either end may be open)."""
    limits = []
    if low is not None:
        limits.append(Q(search_document__sort_key__gte=low))
    if high is not None:
        limits.append(Q(search_document__sort_key__lt=high))
    return limits


# --- Showing results ----------------------------------------------------------------------------


def highlight(text: str, terms: tuple[str, ...]) -> SafeString:
    """The text escaped, with every occurrence of a term wrapped in <mark>."""
    if not text:
        return mark_safe("")
    pattern = _terms_pattern(terms)
    if pattern is None:
        return escape(text)
    pieces = pattern.split(text)
    # split() with one capturing group alternates plain text and matches: escape both, mark the matches.
    return mark_safe(
        "".join(
            f"<mark>{escape(piece)}</mark>" if index % 2 else escape(piece)
            for index, piece in enumerate(pieces)
        )
    )


def excerpt(text: str, terms: tuple[str, ...], *, width: int = 90) -> str:
    """About ``width`` characters of the text around the first term found, or its opening."""
    text = " ".join(text.split())
    pattern = _terms_pattern(terms)
    found = pattern.search(text) if pattern else None
    if found is None or found.start() < width // 3:
        return text[:width] + ("…" if len(text) > width else "")
    start = found.start() - width // 3
    end = start + width
    return "…" + text[start:end] + ("…" if end < len(text) else "")


@functools.lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    variants = {variant for term in terms for variant in (term, unicodedata.normalize("NFKC", term)) if variant}
    if not variants:
        return None
    # Longest first, so "金坛区" is marked whole rather than as "金坛" followed by "区".
    alternatives = "|".join(re.escape(variant) for variant in sorted(variants, key=len, reverse=True))
    return re.compile(f"({alternatives})", re.IGNORECASE)
