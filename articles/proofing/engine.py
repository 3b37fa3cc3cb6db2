"""One pass over a story against every active word list (an Aho–Corasick automaton), then the rules.

The automaton is built once per version of the lists: each process keeps the one it built or
loaded, and stores it in the shared cache under the lists' versions, so the other workers load it
instead of building their own. Checking asks the database one small question (the lists'
versions) and reads no terms.
"""

import hashlib
import pickle
import threading
from dataclasses import dataclass

import ahocorasick
from django.conf import settings
from django.core.cache import cache

from articles.proofing import rules
from articles.proofing.models import Term, TermList
from articles.proofing.text import FieldText

CONTEXT = 12  # characters of context kept on each side of a hit


@dataclass(frozen=True)
class TermInfo:
    pk: int
    text: str
    category: str
    replacement: str
    note: str
    blocking: bool


@dataclass(frozen=True)
class Found:
    """One hit before it is stored: where (field, flat offsets), what, and what to do about it."""

    field: str
    start: int
    end: int
    matched: str
    before: str
    after: str
    category: str
    suggestion: str
    note: str
    blocking: bool
    term_id: int | None = None
    rule: str = ""

    @property
    def key(self) -> tuple:
        """What a waiver names: the entry or rule, and the text it matched."""
        return (self.term_id, self.rule, self.matched)


@dataclass
class Checker:
    automaton: ahocorasick.Automaton | None
    terms: list[TermInfo]
    signature: tuple

    @property
    def key(self) -> str:
        """A short name for the lists' versions: what ArticleCheck.lists stores and compares."""
        return _cache_key(self.signature)


_lock = threading.Lock()
_checker: Checker | None = None


def _signature() -> tuple:
    # The time as well as the version: a list deleted and made again may get the same id and version.
    return tuple(
        (pk, version, updated_at.isoformat())
        for pk, version, updated_at in TermList.objects.filter(active=True)
        .order_by("order", "pk")
        .values_list("pk", "version", "updated_at")
    )


def build(signature: tuple) -> Checker:
    """The automaton over every active list's terms; the first list's entry wins a duplicate."""
    automaton = ahocorasick.Automaton()
    terms: list[TermInfo] = []
    order = {row[0]: index for index, row in enumerate(signature)}
    rows = Term.objects.filter(term_list__in=order).values_list(
        "pk", "term_list_id", "text", "category", "replacement", "note", "blocking"
    )
    for pk, list_id, text, category, replacement, note, blocking in sorted(rows, key=lambda row: (order[row[1]], row[0])):
        if text in automaton:
            continue
        automaton.add_word(text, len(terms))
        terms.append(TermInfo(pk, text, category, replacement, note, blocking))
    if not terms:
        return Checker(None, [], signature)
    automaton.make_automaton()
    return Checker(automaton, terms, signature)


def _cache_key(signature: tuple) -> str:
    return "proofing:automaton:" + hashlib.sha256(repr(signature).encode()).hexdigest()[:32]


def checker() -> Checker:
    """The checker for the lists as they are now: this process's, the shared cache's, or a new one."""
    global _checker
    signature = _signature()
    current = _checker
    if current is not None and current.signature == signature:
        return current
    with _lock:
        if _checker is not None and _checker.signature == signature:
            return _checker
        key = _cache_key(signature)
        stored = cache.get(key)
        found = None
        if stored is not None:
            try:
                found = pickle.loads(stored)  # noqa: S301  (written by this code into our own cache)
            except Exception:
                found = None
        if found is None:
            found = build(signature)
            try:
                cache.set(key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL), timeout=7 * 24 * 3600)
            except Exception:  # a cache that refuses a large value: each worker builds its own
                pass
        _checker = found
        return found


def blocking_rules() -> set[str]:
    """The rules whose hits block 终审 (a date that does not exist, unless the settings say otherwise)."""
    return set(settings.NEWSROOM.get("PROOFING_BLOCKING_RULES", ("impossible_date",)))


def _found(name: str, text: FieldText, start: int, end: int, **fields) -> Found:
    lined = text.lined
    before = lined[max(0, start - CONTEXT) : start].replace("\n", " ")
    after = lined[end : end + CONTEXT].replace("\n", " ")
    return Found(
        field=name,
        start=text.flat_offset(start),
        end=text.flat_offset(end),
        matched=lined[start:end].replace("\n", ""),
        before=before,
        after=after,
        **fields,
    )


def proofread(texts: dict[str, FieldText], *, using: Checker | None = None) -> list[Found]:
    """Every hit in a story's fields, in field order then reading order."""
    using = using or checker()
    blocking = blocking_rules()
    hits: list[Found] = []
    for name, text in texts.items():
        if using.automaton is None or not text.lined:
            continue
        # Longest non-overlapping matches: where 未成年罪犯 is an entry, 罪犯 inside it is not a second hit.
        for end, index in using.automaton.iter_long(text.lined):
            term = using.terms[index]
            start = end - len(term.text) + 1
            hits.append(
                _found(
                    name, text, start, end + 1,
                    category=term.category, suggestion=term.replacement, note=term.note,
                    blocking=term.blocking, term_id=term.pk,
                )
            )
    for name, hit in rules.run_rules({name: text.lined for name, text in texts.items()}):
        hits.append(
            _found(
                name, texts[name], hit.start, hit.end,
                category=hit.category, suggestion=hit.suggestion, note=hit.note,
                blocking=hit.rule in blocking, rule=hit.rule,
            )
        )
    order = {name: index for index, name in enumerate(texts)}
    hits.sort(key=lambda hit: (order[hit.field], hit.start, hit.end))
    return hits

