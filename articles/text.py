"""Article body helpers: the body is sanitized HTML; jumps break it between top-level blocks."""

import html
import re
from html.parser import HTMLParser

VOID_TAGS = {"br", "hr", "img", "wbr"}


class _BlockSplitter(HTMLParser):
    """Cut HTML into its top-level elements, keeping each one's markup as written."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.blocks: list[str] = []
        self.depth = 0
        self.start = 0
        self._line_offsets = [0]
        for line in source.splitlines(keepends=True):
            self._line_offsets.append(self._line_offsets[-1] + len(line))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.start = self._offset()
        if tag in VOID_TAGS:
            if self.depth == 0:
                self.blocks.append(self.get_starttag_text())
            return
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.blocks.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.source.index(">", self._offset()) + 1
            self.blocks.append(self.source[self.start : end])

    def handle_data(self, data):
        # Bare text between blocks (a body typed without <p>) becomes a paragraph of its own.
        if self.depth == 0 and data.strip():
            self.blocks.append(f"<p>{data.strip()}</p>")

    def handle_entityref(self, name):
        self.handle_data(f"&{name};") if self.depth == 0 else None

    def handle_charref(self, name):
        self.handle_data(f"&#{name};") if self.depth == 0 else None


def split_paragraphs(body: str) -> list[str]:
    """Top-level blocks of a sanitized body, in order; empty ones dropped."""
    splitter = _BlockSplitter(body or "")
    splitter.feed(body or "")
    splitter.close()
    return [block for block in splitter.blocks if block.strip() and _has_text(block)]


def _has_text(block: str) -> bool:
    return bool(html.unescape(_TagStripper.strip(block)).strip()) or block.startswith(("<hr", "<img", "<table"))


class _TagStripper(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    @classmethod
    def strip(cls, markup: str) -> str:
        stripper = cls()
        stripper.feed(markup)
        stripper.close()
        return "".join(stripper.parts)


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs (from an import) as body HTML."""
    return "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs if text.strip())


def with_dateline(paragraphs: list[str], dateline: str) -> list[str]:
    """Open the first paragraph with the dateline in bold, as print does: "本报讯 昨天下午…"."""
    if not dateline or not paragraphs or not paragraphs[0].startswith("<p>"):
        return paragraphs
    first = f'<p><span class="dateline">{html.escape(dateline)}</span> {paragraphs[0][3:]}'
    return [first, *paragraphs[1:]]


# 字数 as a Chinese desk counts it: every CJK character and full-width punctuation mark is one,
# every run of Latin letters or digits (a word, a number) is one. static/js/charcount.js counts
# the same way with the same two patterns; tests/articles/test_text.py holds both to it.
CJK_PATTERN = r"[\u2014\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]"
WORD_PATTERN = r"[0-9A-Za-z\u00c0-\u024f]+"
_COUNTED = re.compile(f"{CJK_PATTERN}|{WORD_PATTERN}")
_TAG = re.compile(r"<[^>]*>")


def char_count(markup: str) -> int:
    """字数 of a body (HTML or plain text): CJK characters one each, Latin words one each."""
    text = html.unescape(_TAG.sub(" ", markup or ""))
    return len(_COUNTED.findall(text))


def paragraphs_char_count(paragraphs: list[str]) -> int:
    """字数 of some of a body's paragraphs (the part of a story one page carries)."""
    return sum(char_count(paragraph) for paragraph in paragraphs)
