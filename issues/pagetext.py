"""Read a layout system's exported page text into masthead, slogans, stories and teasers.

The export is plain text in reading order. Blank lines separate paragraphs, but they also
separate the pieces of one paragraph that the page's columns cut apart, so punctuation decides
which breaks are real. The parser guesses rather than fails: whatever it is unsure of goes into
``ParsedStory.uncertain`` for an editor to check.

Rules, in the order they apply to each line:

- ``**…**`` (one or more lines) is a banner slogan, unless the next line is a signature such as
  "本报评论员": then it is a commentary title, its lines joined by a space.
- "▶ 详见二、三版" ends a teaser: the line before it is the teaser headline, and the line before
  that its label when short ("要闻") or wholly in quotes (“走向我们的小康生活”).
- A headline is one short line (at most ``HEADLINE_MAX_LENGTH`` characters) without prose
  punctuation, followed by a body line: one opening with "本报讯" or "(上接第X版)", or one with
  prose punctuation when the story before it has reached the end of a paragraph.
- Lines before the first headline that are not prose are the masthead.
- Any other line is body text. It continues the previous paragraph unless that one ends a
  sentence (。！？…, maybe followed by a closing quote), a colon, or a byline; after a jump
  line "(下转第X版)" it opens a new story without a headline of its own.
- A line wholly in quotes (“走向我们的小康生活”) right above a headline is the column's name:
  it becomes the kicker.
- ``PHOTO_GAP_BLANK_LINES`` or more blank lines mark a photo, counted for the story they fall in
  or, between stories, for the story that follows them.

What the text cannot tell, on the two sample front pages (issues/demo/2020-12-0?-p1.txt):

- A column break right after a full stop looks like a paragraph break: "要争当转型升级先锋。"
  stays a paragraph of its own, though the parallel points around it ("要打造新兴产业高地。一门心思…")
  suggest print ran it on with "坚决关停…".
- Two unequal parts of a headline line ("我区部署集中宣讲工作 区委成立十九届五中全会精神宣讲团")
  could be headline + subheadline or kicker + headline: guessed as the first, and flagged.
- The plenary page exports the commentary's body before its title; it is attached to the title
  that follows and flagged. The photo gap before that body is counted for the commentary,
  though it may be the inspection story's.
- The masthead lines are the paper's, not a story's: reported, not saved.
"""

import codecs
import re
from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from issues.numerals import parse_chinese_numeral

HEADLINE_MAX_LENGTH = 60
# A page's text is some 10 KB; a file a hundred times larger is not one page.
MAX_PAGE_TEXT_BYTES = 1024 * 1024
TEASER_LABEL_MAX_LENGTH = 8
PHOTO_GAP_BLANK_LINES = 3
DATELINE = "本报讯"

# Share of control bytes above which input is binary; a stray Ctrl-Z from an old export is fine.
BINARY_CONTROL_RATIO = 0.05
BINARY_SIGNATURES = (
    b"\x89PNG",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF-",
    b"PK\x03\x04",  # .docx and other zip files
    b"\xd0\xcf\x11\xe0",  # .doc
)

NOTE_HEADLINE_SPLIT = _(
    "Headline split guessed: the first part as headline, the rest as subheadline."
)
NOTE_NO_HEADLINE = _("No headline found for these paragraphs.")
NOTE_BODY_BEFORE_TITLE = _("Paragraphs printed before the commentary title were attached to it.")

_NUMERAL = "[一二三四五六七八九十]+"
_JUMP_TO = re.compile(rf"\s*[(（]\s*下转第?({_NUMERAL})版\s*[)）]$")
_JUMP_FROM = re.compile(rf"^[(（]\s*上接第?({_NUMERAL})版\s*[)）]\s*")
# GBK has no ▶, so exports in GBK may carry another arrow or none.
_TEASER_POINTER = re.compile(rf"^(?:[▶►▷→]\s*)?详见第?({_NUMERAL}(?:、{_NUMERAL})*)版$")
_SIGNATURE = re.compile(r"^本报(?:特约)?评论员$")
_PROSE = re.compile(r"[。，,；;！？!?]")
_CLOSERS = "”’」』》）)"
_SENTENCE_END = re.compile(rf"[。！？!?…][{_CLOSERS}]*$")
_TRAILING_BYLINE = re.compile(rf"(?<=[。！？!?…{_CLOSERS}])\s+([\u4e00-\u9fff]{{2,4}})$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_NOTICE = re.compile(r"(?:预告|公告|通告|通知|启事|声明)$")
_QUOTED = re.compile(r"^“[^“”]+”$")


class PageTextError(ValueError):
    """The input is not usable page text."""

    def __init__(
        self,
        code: Literal["empty", "binary", "encoding", "too_large", "no_stories"],
        message: str | Promise,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ParsedStory:
    """One story, or the part of it printed on this page."""

    kicker: str = ""
    headline: str = ""
    subheadline: str = ""
    dateline: str = ""
    byline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    continued_to: int | None = None
    continued_from: int | None = None
    kind: str = "story"
    photo_slots: int = 0
    uncertain: list[str] = field(default_factory=list)


@dataclass
class ParsedTeaser:
    """A pointer to a story inside the issue: label, headline and the pages it is on."""

    label: str
    headline: str
    pages: list[int]


@dataclass
class ParsedPage:
    """Everything read from one page, in reading order."""

    masthead: list[str] = field(default_factory=list)
    slogans: list[str] = field(default_factory=list)
    stories: list[ParsedStory] = field(default_factory=list)
    teasers: list[ParsedTeaser] = field(default_factory=list)


def chinese_page_number(numeral: str) -> int:
    """'一' -> 1, '十二' -> 12, '二十' -> 20, '九十九' -> 99 (page numerals as printed in 第X版 / 详见X版)."""
    return parse_chinese_numeral(numeral)


@dataclass(frozen=True)
class DecodedText:
    """Page text and the encoding it came in: "utf-8", or "gb18030" for GBK and GB18030 files."""

    text: str
    encoding: str

    @property
    def converted(self) -> bool:
        return self.encoding != "utf-8"


def decode_page_text(data: bytes) -> str:
    """Decode exported page text: UTF-8 (with or without BOM), else GB18030/GBK; refuse binary or empty input."""
    return read_page_bytes(data).text


def read_page_bytes(data: bytes) -> DecodedText:
    """Decode exported page text and say which encoding it was in; PageTextError when it is not page text."""
    if len(data) > MAX_PAGE_TEXT_BYTES:
        raise too_large_error(len(data))
    if not data.strip():
        raise PageTextError("empty", _("The page text is empty."))
    if _looks_binary(data):
        raise PageTextError("binary", _("This is not a text file. Export the page as plain text."))
    encodings = ("utf-8-sig",) if data.startswith(codecs.BOM_UTF8) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise PageTextError("empty", _("The page text is empty."))
        return DecodedText(text=text, encoding="gb18030" if encoding == "gb18030" else "utf-8")
    raise PageTextError("encoding", _("The page text is neither UTF-8 nor GBK/GB18030."))


def too_large_error(size: int) -> PageTextError:
    """The error for input of size bytes, over MAX_PAGE_TEXT_BYTES."""
    return PageTextError(
        "too_large",
        _("The file is %(size)s KB; one page's text is far smaller (the limit is %(limit)s KB).")
        % {"size": size // 1024, "limit": MAX_PAGE_TEXT_BYTES // 1024},
    )


def check_page_text(text: str) -> str:
    """Typed or pasted page text, refused like a file would be (empty, binary, too large); newlines normalised."""
    return read_page_bytes(text.encode("utf-8", errors="surrogatepass")).text


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data or data.startswith(BINARY_SIGNATURES):
        return True
    sample = data[:4096]
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\x0c\r" or byte == 127)
    return controls / len(sample) > BINARY_CONTROL_RATIO


def parse_page_text(text: str) -> ParsedPage:
    """Split one page's exported text into masthead, slogans, stories and teasers."""
    return _PageParser(_lines(text)).parse()


@dataclass
class _Line:
    text: str  # stripped; a bold block's lines joined by "\n", without the ** markers
    bold: bool
    blanks_before: int


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    bold: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line and bold is None:
            blanks += 1
            continue
        if bold is None and line.startswith("**"):
            bold, line = [], line[2:]
        if bold is None:
            lines.append(_Line(line, False, blanks))
        else:
            # An unclosed ** ends at the next blank line rather than swallowing the page.
            closed = not line or line.endswith("**")
            bold.append(line.removesuffix("**").strip())
            if not closed:
                continue
            lines.append(_Line("\n".join(part for part in bold if part), True, blanks))
            bold = None
        blanks = 0 if line else 1
    if bold:
        lines.append(_Line("\n".join(part for part in bold if part), True, blanks))
    return lines


def _looks_like_headline(text: str) -> bool:
    return (
        len(text) <= HEADLINE_MAX_LENGTH
        and not _PROSE.search(text)
        and not text.endswith((":", "："))
        and not _TEASER_POINTER.match(text)
        and not _SIGNATURE.match(text)
        and not _JUMP_TO.search(text)
        and not _JUMP_FROM.match(text)
    )


def _looks_like_body(text: str) -> bool:
    return text.startswith(DATELINE) or bool(_JUMP_FROM.match(text) or _PROSE.search(text))


def _ends_paragraph(text: str) -> bool:
    return bool(
        _SENTENCE_END.search(text) or text.endswith((":", "：")) or _TRAILING_BYLINE.search(text)
    )


def _join(left: str, right: str) -> str:
    # Only Latin words need a space back; CJK text and numbers ("12" + "月") join directly.
    end, start = left[-1:], right[:1]
    latin = end.isascii() and end.isalpha() and start.isascii() and start.isalpha()
    return f"{left} {right}" if latin else left + right


def _split_headline(line: str) -> tuple[str, str, str, bool]:
    """Kicker, headline, subheadline and whether the split is a guess, from one headline line."""
    segments = line.split()
    if len(segments) == 1:
        return "", line, "", False
    # Parallel phrases of equal length ("争当… 打造… 建设…") form the main headline; what comes
    # before them is the kicker, what comes after the subheadline.
    # "张强:种优质苗木 走致富之路": a name, then parallel phrases; the whole line is the headline.
    first_phrase = re.split(r"[:：]", segments[0], maxsplit=1)[-1]
    if first_phrase != segments[0] and all(len(s) == len(first_phrase) for s in segments[1:]):
        return "", line, "", False
    start, end = _longest_equal_length_run(segments)
    if end - start >= 2:
        kicker, headline, subheadline = segments[:start], segments[start:end], segments[end:]
        return " ".join(kicker), " ".join(headline), " ".join(subheadline), False
    kicker = ""
    if segments[0].endswith((":", "：")):
        kicker, segments = segments[0], segments[1:]
    return kicker, segments[0], " ".join(segments[1:]), len(segments) > 1


def _longest_equal_length_run(segments: list[str]) -> tuple[int, int]:
    best, start = (0, 1), 0
    for index in range(1, len(segments) + 1):
        if index == len(segments) or len(segments[index]) != len(segments[start]):
            if index - start > best[1] - best[0]:
                best = (start, index)
            start = index
    return best


def _find_teasers(lines: list[_Line]) -> dict[int, tuple[int, ParsedTeaser]]:
    """Teasers keyed by the index of their first line, with the index of their pointer line."""
    teasers: dict[int, tuple[int, ParsedTeaser]] = {}
    floor = 0
    for index, line in enumerate(lines):
        match = None if line.bold else _TEASER_POINTER.match(line.text)
        if not match:
            continue
        start, headline, label = index, "", ""
        if start - 1 >= floor and not lines[start - 1].bold:
            start -= 1
            headline = lines[start].text
            previous = lines[start - 1] if start - 1 >= floor else None
            if previous and not previous.bold and _looks_like_label(previous.text):
                start -= 1
                label = previous.text
        pages = [chinese_page_number(numeral) for numeral in match.group(1).split("、")]
        teasers[start] = (index, ParsedTeaser(label=label, headline=headline, pages=pages))
        floor = index + 1
    return teasers


def _looks_like_label(text: str) -> bool:
    if _QUOTED.match(text):
        return True
    return len(text) <= TEASER_LABEL_MAX_LENGTH and " " not in text and _looks_like_headline(text)


class _PageParser:
    """One pass over the lines, with the story being read as its state."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.teasers = _find_teasers(lines)
        self.page = ParsedPage()
        self.story: ParsedStory | None = None
        self.pending_photos = 0

    def parse(self) -> ParsedPage:
        index = 0
        while index < len(self.lines):
            index = self._read(index)
        for story in self.page.stories:
            _finish(story)
        return self.page

    def _read(self, index: int) -> int:
        """Read the line at index (and any lines belonging with it); return the next index."""
        if index in self.teasers:
            # A gap before a teaser is left uncounted: that photo illustrates the teaser.
            last, teaser = self.teasers[index]
            self.page.teasers.append(teaser)
            return last + 1
        line = self.lines[index]
        if line.blanks_before >= PHOTO_GAP_BLANK_LINES:
            self.pending_photos += 1
        following = self._line_after(index)
        if line.bold:
            if following and _SIGNATURE.match(following.text):
                self._commentary(title=line.text.replace("\n", " "), signature=following.text)
                return index + 2
            self.page.slogans.append(line.text)
        elif following and self._names_column(line.text, following, self._line_after(index + 1)):
            self._start(following.text, column=line.text)
            return index + 2
        elif self._starts_story(line.text, following):
            self._start(line.text)
        elif self.story is None and not _looks_like_body(line.text):
            self.page.masthead.append(line.text)
            self.pending_photos = 0  # a gap among masthead lines is the paper's logo
        else:
            self._body(line.text)
        return index + 1

    def _line_after(self, index: int) -> _Line | None:
        after = index + 1
        if after >= len(self.lines) or after in self.teasers or self.lines[after].bold:
            return None
        return self.lines[after]

    def _starts_story(self, text: str, following: _Line | None) -> bool:
        if following is None or not _looks_like_headline(text):
            return False
        if following.text.startswith(DATELINE) or _JUMP_FROM.match(following.text):
            return True
        if not _looks_like_body(following.text):
            return False
        # A short piece in the middle of a sentence is a column break, not a headline.
        story = self.story
        return (
            story is None
            or story.continued_to is not None
            or not story.paragraphs
            or _ends_paragraph(story.paragraphs[-1])
        )

    def _names_column(self, text: str, following: _Line, after: _Line | None) -> bool:
        """A quoted line over a headline (“走向我们的小康生活”) names the column the story runs in."""
        return bool(_QUOTED.match(text)) and self._starts_story(following.text, after)

    def _start(self, headline_line: str = "", column: str = "") -> ParsedStory:
        story = ParsedStory(photo_slots=self.pending_photos)
        self.pending_photos = 0
        if headline_line:
            kicker, headline, subheadline, guessed = _split_headline(headline_line)
            kicker = " ".join(part for part in (column, kicker) if part)
            story.kicker, story.headline, story.subheadline = kicker, headline, subheadline
            if guessed:
                story.uncertain.append(NOTE_HEADLINE_SPLIT)
            if _NOTICE.search(headline_line):
                story.kind = "notice"
        self.page.stories.append(story)
        self.story = story
        return story

    def _body(self, text: str) -> None:
        continued_from = continued_to = None
        if match := _JUMP_FROM.match(text):
            continued_from, text = chinese_page_number(match.group(1)), text[match.end() :]
        if match := _JUMP_TO.search(text):
            continued_to, text = chinese_page_number(match.group(1)), text[: match.start()]
        story = self.story
        # "(上接第X版)" right under a headline continues that story; anywhere else it opens one.
        opens_part = continued_from is not None and story is not None and bool(story.paragraphs)
        if story is None or story.continued_to is not None or opens_part:
            story = self._start()
            story.uncertain.append(NOTE_NO_HEADLINE)
        story.photo_slots += self.pending_photos
        self.pending_photos = 0
        if continued_from is not None:
            story.continued_from = continued_from
        if text:
            last = story.paragraphs[-1] if story.paragraphs else None
            if last is None or _ends_paragraph(last) or text.startswith(DATELINE):
                story.paragraphs.append(text)
            else:
                story.paragraphs[-1] = _join(last, text)
        if continued_to is not None:
            story.continued_to = continued_to

    def _commentary(self, title: str, signature: str) -> None:
        story = self.story
        # The page may print a commentary's body first, after another story's jump line.
        if story is not None and not story.headline and not story.byline and story.paragraphs:
            story.uncertain = [note for note in story.uncertain if note != NOTE_NO_HEADLINE]
            story.uncertain.append(NOTE_BODY_BEFORE_TITLE)
            story.photo_slots += self.pending_photos
            self.pending_photos = 0
        else:
            story = self._start()
        story.headline, story.byline, story.kind = title, signature, "commentary"


def _finish(story: ParsedStory) -> None:
    """Move the dateline and the byline out of the body text."""
    paragraphs = story.paragraphs
    if paragraphs and paragraphs[0].startswith(DATELINE):
        story.dateline = DATELINE
        paragraphs[0] = paragraphs[0].removeprefix(DATELINE).lstrip()
    if not story.byline and paragraphs:
        if match := _TRAILING_BYLINE.search(paragraphs[-1]):
            story.byline = match.group(1)
            paragraphs[-1] = paragraphs[-1][: match.start()]
        elif len(paragraphs) > 1 and _NAME.fullmatch(paragraphs[-1]):
            story.byline = paragraphs.pop()
    story.paragraphs = [paragraph for paragraph in paragraphs if paragraph]
