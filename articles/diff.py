"""Show what changed between two versions of an article's text, paragraph by paragraph.

Paragraphs are compared as plain text (the markup is not what editors read), then a changed
paragraph sentence by sentence, then a changed sentence word by word, where a "word" is a
Chinese character (Chinese has no spaces between words), a run of Latin letters or digits, a
space or a punctuation mark.

difflib's SequenceMatcher (without autojunk, which would ignore common characters such as 的)
costs up to n·m·min(n, m) on repetitive text: "ab"×700 against "abc"×700 character by
character took 22 s. So every comparison first strips what both ends share, and is charged
to a budget per screen; a comparison too big for what is left shows the whole changed stretch
as deleted and inserted, with its length ("changed, 1400 → 2100 characters"). Normal edits
(a few words in a few sentences) stay far below the budget; bench/diff.py times the worst.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles.text import split_paragraphs

# Work units (n·m·min(n, m) of the parts compared) one screen may spend: about 0.1 s at worst.
BUDGET = 8_000_000
# A sentence or paragraph longer than this many units is never compared unit by unit.
MAX_UNITS = 400

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WORDS = re.compile(rf"[{_HAN}]|[^\W{_HAN}]+|\s+|.", re.DOTALL)
# A sentence ends after its closing punctuation (and any closing quotes or brackets).
_SENTENCES = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;\n]+[”’」』）)]*|$)")


@dataclass
class FieldDiff:
    """One field that differs, with its two versions marked up as <del>/<ins>."""

    name: str
    label: str
    html: SafeString


class _Budget:
    def __init__(self, units: int = BUDGET) -> None:
        self.left = units

    def opcodes(self, old: Sequence, new: Sequence) -> list[tuple] | None:
        """SequenceMatcher's opcodes, or None when comparing these would cost too much."""
        start = 0
        while start < len(old) and start < len(new) and old[start] == new[start]:
            start += 1
        end_old, end_new = len(old), len(new)
        while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
            end_old, end_new = end_old - 1, end_new - 1
        n, m = end_old - start, end_new - start
        cost = n * m * min(n, m)
        if n > MAX_UNITS or m > MAX_UNITS or cost > self.left:
            return None
        self.left -= cost
        ops = [("equal", 0, start, 0, start)] if start else []
        matcher = SequenceMatcher(None, old[start:end_old], new[start:end_new], autojunk=False)
        ops += [
            (op, a1 + start, a2 + start, b1 + start, b2 + start)
            for op, a1, a2, b1, b2 in (matcher.get_opcodes() if n or m else [])
        ]
        if end_old < len(old):
            ops.append(("equal", end_old, len(old), end_new, len(new)))
        return ops


def _marked(old: str, new: str) -> str:
    deleted = f"<del>{html.escape(old)}</del>" if old else ""
    return deleted + (f"<ins>{html.escape(new)}</ins>" if new else "")


def _too_big(old: str, new: str) -> str:
    note = _("changed, {old} → {new} characters").format(old=len(old), new=len(new))
    return f'{_marked(old, new)}<span class="diff-note">{html.escape(str(note))}</span>'


def _words(old: str, new: str, budget: _Budget) -> str:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    ops = budget.opcodes(a, b)
    if ops is None:
        return _too_big(old, new)
    out = []
    for op, a1, a2, b1, b2 in ops:
        before, after = "".join(a[a1:a2]), "".join(b[b1:b2])
        out.append(html.escape(before) if op == "equal" else _marked(before, after))
    return "".join(out)


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCES.findall(text) if sentence]


def _inline(old: str, new: str, budget: _Budget) -> str:
    """Two versions of a text as one, sentence by sentence, word by word inside changed ones."""
    a, b = _sentences(old), _sentences(new)
    ops = budget.opcodes(a, b)
    if ops is None:
        return _too_big(old, new)
    out = []
    for op, a1, a2, b1, b2 in ops:
        if op == "equal":
            out.append(html.escape("".join(a[a1:a2])))
        elif op == "replace":
            out.append(_words("".join(a[a1:a2]), "".join(b[b1:b2]), budget))
        else:
            out.append(_marked("".join(a[a1:a2]), "".join(b[b1:b2])))
    return "".join(out)


def text_paragraphs(body: str) -> list[str]:
    """The body's paragraphs as the plain text a reader sees."""
    return [html.unescape(strip_tags(block)).strip() for block in split_paragraphs(body or "")]


def diff_paragraphs(old: list[str], new: list[str], *, budget: _Budget | None = None) -> SafeString:
    """Paragraphs of both versions, unchanged ones plain, changed ones marked inside."""
    budget = budget or _Budget()
    ops = budget.opcodes(old, new) or [("replace", 0, len(old), 0, len(new))]
    out = []
    for op, a1, a2, b1, b2 in ops:
        if op == "equal":
            out.extend(f'<p class="diff-same">{html.escape(p)}</p>' for p in old[a1:a2])
        elif op == "replace" and a2 - a1 == b2 - b1:
            out.extend(
                f'<p class="diff-changed">{_inline(before, after, budget)}</p>'
                for before, after in zip(old[a1:a2], new[b1:b2])
            )
        else:
            out.extend(f'<p class="diff-removed"><del>{html.escape(p)}</del></p>' for p in old[a1:a2])
            out.extend(f'<p class="diff-added"><ins>{html.escape(p)}</ins></p>' for p in new[b1:b2])
    return mark_safe("".join(out))


def diff_fields(old, new, fields: dict[str, str]) -> list[FieldDiff]:
    """The fields (name -> label) whose values differ between two objects or dicts."""

    def value(source, name):
        return (source.get(name) if isinstance(source, dict) else getattr(source, name, "")) or ""

    budget = _Budget()
    diffs = []
    for name, label in fields.items():
        before, after = value(old, name), value(new, name)
        if before == after:
            continue
        if name == "body":
            marked = diff_paragraphs(text_paragraphs(before), text_paragraphs(after), budget=budget)
        else:
            marked = format_html("{}", mark_safe(_inline(str(before), str(after), budget)))
        diffs.append(FieldDiff(name=name, label=str(label), html=marked))
    return diffs
