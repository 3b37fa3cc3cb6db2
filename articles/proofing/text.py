"""The text a proofreader reads: a field's plain text, and where its blocks (paragraphs) begin.

Offsets of hits are kept in the *flat* text, the body's text nodes joined without separators,
because that is what the editor's document shows (ProseMirror's text nodes in order), so the
desk's script finds a hit at the same offset. The checks read the *lined* text, the same with a
line break between blocks, so that no term or rule matches across two paragraphs.
"""

import bisect
import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that start a new line of text in the editor.
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "th", "tr", "br", "hr", "div", "pre"}


@dataclass
class FieldText:
    """One field's text: ``lined`` for checking, and how to turn its offsets into flat ones."""

    lined: str
    # Positions in ``lined`` of the line breaks that stand between blocks (absent from the flat text).
    breaks: list[int] = field(default_factory=list)

    def flat_offset(self, offset: int) -> int:
        return offset - bisect.bisect_left(self.breaks, offset)


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.breaks: list[int] = []
        self.length = 0

    def _break(self) -> None:
        if self.length and self.parts[-1] != "\n":
            self.breaks.append(self.length)
            self.parts.append("\n")
            self.length += 1

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        # Text between blocks of the sanitized HTML is only formatting whitespace.
        if not data.strip() and (not self.parts or self.parts[-1] == "\n"):
            return
        data = data.replace("\n", " ")
        self.parts.append(data)
        self.length += len(data)


def html_text(source: str) -> FieldText:
    """The body's text, blocks separated by line breaks that are not part of the flat text."""
    parser = _TextNodes()
    parser.feed(source or "")
    parser.close()
    lined = "".join(parser.parts)
    breaks = parser.breaks
    if lined.endswith("\n"):
        lined = lined[:-1]
        breaks = breaks[:-1]
    return FieldText(lined, breaks)


def plain_text(value: str) -> FieldText:
    """A one-line field (headline, caption) as it is; a caption's own line breaks count as breaks."""
    value = html.unescape(value or "") if "&" in (value or "") else (value or "")
    return FieldText(value, [])


def count_characters(text: str) -> int:
    """Characters that count for the error rate: everything printed but spaces and line breaks."""
    return sum(1 for char in text if not char.isspace())
