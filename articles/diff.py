"""Show what changed between two versions of an article's text, paragraph by paragraph.

Chinese has no spaces between words, so inside a changed paragraph the comparison is by
character; paragraphs are compared as plain text (the markup is not what editors read).
"""

import html
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.text import split_paragraphs


@dataclass
class FieldDiff:
    """One field that differs, with its two versions marked up as <del>/<ins>."""

    name: str
    label: str
    html: SafeString


def _chars(old: str, new: str) -> str:
    out = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(f"<del>{html.escape(old[a1:a2])}</del>")
        if b2 > b1:
            out.append(f"<ins>{html.escape(new[b1:b2])}</ins>")
    return "".join(out)


def text_paragraphs(body: str) -> list[str]:
    """The body's paragraphs as the plain text a reader sees."""
    return [html.unescape(strip_tags(block)).strip() for block in split_paragraphs(body or "")]


def diff_paragraphs(old: list[str], new: list[str]) -> SafeString:
    """Paragraphs of both versions, unchanged ones plain, changed ones marked by character."""
    out = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(f'<p class="diff-same">{html.escape(p)}</p>' for p in old[a1:a2])
        elif op == "replace" and a2 - a1 == b2 - b1:
            out.extend(
                f'<p class="diff-changed">{_chars(o, n)}</p>' for o, n in zip(old[a1:a2], new[b1:b2])
            )
        else:
            out.extend(f'<p class="diff-removed"><del>{html.escape(p)}</del></p>' for p in old[a1:a2])
            out.extend(f'<p class="diff-added"><ins>{html.escape(p)}</ins></p>' for p in new[b1:b2])
    return mark_safe("".join(out))


def diff_fields(old, new, fields: dict[str, str]) -> list[FieldDiff]:
    """The fields (name -> label) whose values differ between two objects or dicts."""

    def value(source, name):
        return (source.get(name) if isinstance(source, dict) else getattr(source, name, "")) or ""

    diffs = []
    for name, label in fields.items():
        before, after = value(old, name), value(new, name)
        if before == after:
            continue
        if name == "body":
            marked = diff_paragraphs(text_paragraphs(before), text_paragraphs(after))
        else:
            marked = format_html("{}", mark_safe(_chars(str(before), str(after))))
        diffs.append(FieldDiff(name=name, label=str(label), html=marked))
    return diffs
