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

Inside pages (feature 专题, photo 图片新闻, briefs 简讯, commentary) add these rules:

- A short line by a photo gap (``PHOTO_GAP_BLANK_LINES`` blank lines before or after it) that
  does not end a sentence, or any line ending in a photographer's credit ("记者 张三 摄"), is a
  photo caption: of the story it stands in (at the paragraph where the gap is), of the story
  that follows when it comes before it, else photo news of the page.
- A short line that would open a story inside a story that has not ended (no byline, no new
  dateline) is a section subhead when numbered ("一、") or on a feature page, or when the story
  already runs two paragraphs (then flagged); on a briefs page (简讯) it opens the next brief.
- A line that fits no story (before the first one, or neither heading nor body between them)
  is an unplaced item, flagged, never dropped. Page furniture ("责任编辑：…") is masthead.
- Finally every sentence of the input is looked for in what was read (``missing_sentences``);
  one not found becomes an unplaced item too, so nothing is lost whatever the rules decided.

The editor can overrule the reading line by line (``marks``: line number to one of
``MARK_KINDS``): a headline opens a story, a subhead stays in one, "story" splits one there.
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
NOTE_SUBHEAD_GUESS = _(
    "“%(subhead)s” was read as a subhead of this story; if it opens a story of its own, split there."
)
NOTE_CAPTION_GUESS = _("Read as a photo caption because it stands by a photo gap.")
NOTE_BEFORE_FIRST_STORY = _("Stands before the first story and is no headline.")
NOTE_FITS_NO_STORY = _("Neither a headline nor part of the story around it.")
NOTE_NOT_READ = _("The reading rules did not place this text; it is kept here.")

# What an editor may mark a line as in the preview; "body" (body text, joined across column
# breaks as usual) is what a PDF's font size says of a line.
MARK_KINDS = ("headline", "subhead", "caption", "paragraph", "story", "body")
SUBHEAD_MAX_LENGTH = 20
CAPTION_MAX_LENGTH = 80

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
# "一、回顾" "（二）展望" "01 新起点": numbered section subheads.
_NUMBERED = re.compile(rf"^(?:{_NUMERAL}、|[(（]{_NUMERAL}[)）]|0?\d[、.．\s])")
# A photographer's credit closing a caption: "记者 张三 摄", "通讯员 李四/摄".
_CREDIT = re.compile(
    r"(?:^|(?<=[\s。，,！？!?]))\s*((?:(?:本报)?记者|通讯员|实习生|摄影)[\s\u4e00-\u9fff、/]{2,30}?摄"
    r"|[\u4e00-\u9fff]{2,4}\s*/?\s*摄)$"
)
_BYLINE_LINE = re.compile(r"^(?:(?:本报)?(?:记者|通讯员|实习生)\s*[\u4e00-\u9fff]{2,4}\s*)+$")
# The paper's own lines: title, publisher, issue number, date, the page's editors.
_MASTHEAD = re.compile(
    r"(?:[报刊]$|微报|公众号|手机台|客户端|APP|主办|主管|刊号|邮发|星期[一二三四五六日天]"
    r"|^\d{4}年\d{1,2}月\d{1,2}日|^第[\d一二三四五六七八九十百千]+期|^第?[\d一二三四五六七八九十]+版"
    r"|^.{0,4}新闻$|^要闻$)"
)
_FURNITURE = re.compile(r"^(?:本版)?(?:责任编辑|编辑|版式|美编|组版|校对|审读)[:：]")
# A page's section label, which also says what kind of page it is.
_SECTION_LABELS = {
    "专题": "feature",
    "特刊": "feature",
    "专版": "feature",
    "简讯": "briefs",
    "图片新闻": "photo",
    "图片报道": "photo",
    "摄影报道": "photo",
}


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


class Subhead(str):
    """A section subhead among a story's paragraphs: kept in the story, as an <h3> in its body."""


@dataclass
class ParsedCaption:
    """A photo's caption: the photo stood after ``after_paragraph`` paragraphs of its story."""

    text: str
    line: int
    after_paragraph: int = 0
    credit: str = ""
    uncertain: list[str] = field(default_factory=list)


@dataclass
class ParsedUnplaced:
    """A line that fits no story, kept for the editor with the reason."""

    text: str
    line: int
    reason: str | Promise


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
    # Line numbers (from 0) of the headline and of each paragraph's first line, for marks.
    line: int | None = None
    paragraph_lines: list[int] = field(default_factory=list)
    captions: list[ParsedCaption] = field(default_factory=list)

    @property
    def subheads(self) -> list[str]:
        return [paragraph for paragraph in self.paragraphs if isinstance(paragraph, Subhead)]

    @property
    def blocks(self) -> list[tuple[str, str, int | None, list[ParsedCaption]]]:
        """(kind, text, line, captions after it) for each paragraph and subhead, for the preview."""
        blocks = []
        lines = self.paragraph_lines + [None] * (len(self.paragraphs) - len(self.paragraph_lines))
        for index, (paragraph, line) in enumerate(zip(self.paragraphs, lines), start=1):
            kind = "subhead" if isinstance(paragraph, Subhead) else "paragraph"
            after = [caption for caption in self.captions if caption.after_paragraph == index]
            blocks.append((kind, str(paragraph), line, after))
        return blocks

    @property
    def leading_captions(self) -> list[ParsedCaption]:
        return [caption for caption in self.captions if caption.after_paragraph == 0]


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
    # Captions that belong to no story: photo news of the page.
    captions: list[ParsedCaption] = field(default_factory=list)
    unplaced: list[ParsedUnplaced] = field(default_factory=list)
    # The section label's kind ("feature", "briefs", "photo"), when the page prints one.
    labelled: str = ""

    @property
    def kind(self) -> str:
        """front, feature, photo, briefs, commentary or news: what kind of page this reads as."""
        if self.labelled:
            return self.labelled
        if any("主办" in line for line in self.masthead):  # the publisher line heads a front page
            return "front"
        if not self.stories and self.captions:
            return "photo"
        if any(story.kind == "commentary" for story in self.stories):
            return "commentary"
        if len(self.stories) == 1 and self.stories[0].subheads:
            return "feature"
        if len(self.stories) >= 4 and all(len(s.paragraphs) <= 2 for s in self.stories):
            return "briefs"
        return "news"

    @property
    def uncertain_count(self) -> int:
        stories = sum(len(story.uncertain) for story in self.stories)
        captions = [*self.captions, *(c for story in self.stories for c in story.captions)]
        return stories + sum(len(c.uncertain) for c in captions) + len(self.unplaced)


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


def parse_page_text(text: str, marks: dict[int, str] | None = None) -> ParsedPage:
    """Split one page's exported text into masthead, slogans, stories, captions and teasers.

    ``marks`` overrule the reading of single lines (line number from 0 to one of MARK_KINDS).
    """
    page = _PageParser(_lines(text), marks or {}).parse()
    for sentence in missing_sentences(text, page):
        page.unplaced.append(ParsedUnplaced(text=sentence, line=-1, reason=NOTE_NOT_READ))
    return page


_JUMP_LINE = re.compile(rf"[(（]\s*[上下][转接]第?{_NUMERAL}版\s*[)）]")


def missing_sentences(text: str, page: ParsedPage) -> list[str]:
    """Sentences of the input found nowhere in the page as read: not in a story, caption, teaser,
    slogan, masthead or unplaced item. Jump lines and teaser pointers are read as links, not text."""
    found = re.sub(r"\s", "", "".join(_everything_read(page)))
    missing = []
    for raw in text.splitlines():
        line = re.sub(r"\s|\*\*", "", _JUMP_LINE.sub("", raw))
        if not line or _TEASER_POINTER.match(line):
            continue
        for sentence in re.split(r"(?<=[。！？!?])", line):
            if sentence and sentence not in found:
                missing.append(sentence)
    return missing


def _everything_read(page: ParsedPage) -> list[str]:
    parts = [*page.masthead, *page.slogans]
    for story in page.stories:
        parts += [story.kicker, story.headline, story.subheadline, story.dateline]
        parts += [*story.paragraphs, story.byline]
        parts += [caption.text + caption.credit for caption in story.captions]
    parts += [caption.text + caption.credit for caption in page.captions]
    for teaser in page.teasers:
        parts += [teaser.label, teaser.headline]
    parts += [item.text for item in page.unplaced]
    # Parts are joined one by one, so a sentence cut by two reading decisions is still found.
    return ["\n".join(parts)] + parts


@dataclass
class _Line:
    text: str  # stripped; a bold block's lines joined by "\n", without the ** markers
    bold: bool
    blanks_before: int
    number: int = 0  # the input line it starts on, from 0


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    bold: list[str] | None = None
    start = 0
    for number, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line and bold is None:
            blanks += 1
            continue
        if bold is None and line.startswith("**"):
            bold, line, start = [], line[2:], number
        if bold is None:
            lines.append(_Line(line, False, blanks, number))
        else:
            # An unclosed ** ends at the next blank line rather than swallowing the page.
            closed = not line or line.endswith("**")
            bold.append(line.removesuffix("**").strip())
            if not closed:
                continue
            lines.append(_Line("\n".join(part for part in bold if part), True, blanks, start))
            bold = None
        blanks = 0 if line else 1
    if bold:
        lines.append(_Line("\n".join(part for part in bold if part), True, blanks, start))
    # Blank lines after the last line are a gap after it (a photo under a closing caption).
    lines.append(_Line("", False, blanks, -1))
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

    def __init__(self, lines: list[_Line], marks: dict[int, str]) -> None:
        *self.lines, end = lines
        self.trailing_blanks = end.blanks_before
        self.marks = marks
        self.teasers = _find_teasers(self.lines)
        self.page = ParsedPage()
        self.story: ParsedStory | None = None
        self.pending_photos = 0
        # Captions above the next story's headline: that story's photos, unless none follows.
        self.pending_captions: list[ParsedCaption] = []
        self.mode = ""
        self.standalone = False

    def parse(self) -> ParsedPage:
        index = 0
        while index < len(self.lines):
            index = self._read(index)
        self.page.captions.extend(self.pending_captions)
        for story in self.page.stories:
            _finish(story)
        self.page.labelled = self.mode
        return self.page

    def _read(self, index: int) -> int:
        """Read the line at index (and any lines belonging with it); return the next index."""
        line = self.lines[index]
        self.last_line = self.lines[index - 1].number if index else -1
        mark = self.marks.get(line.number)
        if index in self.teasers and mark is None:
            # A gap before a teaser is left uncounted: that photo illustrates the teaser.
            last, teaser = self.teasers[index]
            self.page.teasers.append(teaser)
            return last + 1
        if line.blanks_before >= PHOTO_GAP_BLANK_LINES:
            self.pending_photos += 1
        following = self._line_after(index)
        if mark in MARK_KINDS:
            self._marked(line, mark)
        elif line.bold:
            if following and _SIGNATURE.match(following.text):
                self._commentary(title=line.text.replace("\n", " "), signature=following.text)
                return index + 2
            self.page.slogans.append(line.text)
        elif _FURNITURE.match(line.text):
            self.page.masthead.append(line.text)
        elif self.story is None and line.text in _SECTION_LABELS:
            self.page.masthead.append(line.text)
            self.mode = self.mode or _SECTION_LABELS[line.text]
        elif following and self._names_column(line.text, following, self._line_after(index + 1)):
            self._start(following.text, column=line.text, line=following.number)
            return index + 2
        elif self._is_caption(index, following):
            self._caption(line, guessed=not (_CREDIT.search(line.text) or _PROSE.search(line.text)))
        elif self._starts_story(line.text, following):
            if self._is_subhead(line.text, following):
                self._subhead(line, guessed=not _NUMBERED.match(line.text) and self.mode != "feature")
            else:
                self._start(line.text, line=line.number)
        elif self.story is None and not _looks_like_body(line.text):
            if _MASTHEAD.search(line.text):
                self.page.masthead.append(line.text)
                self.pending_photos = 0  # a gap among masthead lines is the paper's logo
            else:
                self._unplaced(line, NOTE_BEFORE_FIRST_STORY)
        elif self._fits_no_story(line.text, following):
            self._unplaced(line, NOTE_FITS_NO_STORY)
        else:
            self._body(line.text, line=line.number)
        return index + 1

    def _marked(self, line: _Line, mark: str) -> None:
        """Read the line as the editor marked it."""
        text = line.text.replace("\n", " ")
        if mark == "headline":
            self._start(text, line=line.number)
        elif mark == "subhead":
            self._subhead(line, guessed=False)
        elif mark == "caption":
            self._caption(line, guessed=False)
        elif mark == "story":
            self._start(line=line.number)
            self._body(text, line=line.number)
        elif mark == "body":
            self._body(text, line=line.number)
        else:
            self._body(text, line=line.number, keep=True)

    def _line_after(self, index: int) -> _Line | None:
        after = index + 1
        if after >= len(self.lines) or after in self.teasers or self.lines[after].bold:
            return None
        return self.lines[after]

    def _gap_after(self, index: int) -> bool:
        after = self.lines[index + 1].blanks_before if index + 1 < len(self.lines) else self.trailing_blanks
        return after >= PHOTO_GAP_BLANK_LINES

    def _mid_sentence(self) -> bool:
        """The story being read stops in the middle of a paragraph: the next line goes on with it."""
        story = self.story
        if story is None or not story.paragraphs or story.continued_to is not None:
            return False
        last = story.paragraphs[-1]
        return not isinstance(last, Subhead) and not _ends_paragraph(last)

    def _is_caption(self, index: int, following: _Line | None) -> bool:
        """A short line under or over a photo gap that ends no sentence, or one with a photo credit."""
        text = self.lines[index].text
        if (
            len(text) > CAPTION_MAX_LENGTH
            or self._mid_sentence()
            or _NUMBERED.match(text)
            or _SIGNATURE.match(text)
            or _JUMP_TO.search(text)
            or _JUMP_FROM.match(text)
            or text.startswith(DATELINE)
        ):
            return False
        if _CREDIT.search(text) and len(text) > 6:
            return True
        if (
            _SENTENCE_END.search(text)
            or _TRAILING_BYLINE.search(text)
            or _NAME.fullmatch(text)
            or text.endswith((":", "："))
        ):
            return False
        if following and (following.text.startswith(DATELINE) or _JUMP_FROM.match(following.text)):
            return False  # a headline under a photo
        return self.lines[index].blanks_before >= PHOTO_GAP_BLANK_LINES or self._gap_after(index)

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
            or (not isinstance(story.paragraphs[-1], Subhead) and _ends_paragraph(story.paragraphs[-1]))
        )

    def _is_subhead(self, text: str, following: _Line) -> bool:
        """A heading inside a story that has not ended is a section subhead, not a new story."""
        story = self.story
        if (
            story is None
            or story.kind != "story"
            or story.continued_to is not None
            or not story.paragraphs
            or following.text.startswith(DATELINE)
            or _JUMP_FROM.match(following.text)
            or len(text) > SUBHEAD_MAX_LENGTH
            or " " in text  # "headline subheadline" on one line opens a story
        ):
            return False
        last = story.paragraphs[-1]
        if _TRAILING_BYLINE.search(last) or (_NAME.fullmatch(last) and len(story.paragraphs) > 1):
            return False  # a byline ended the story
        if _NUMBERED.match(text) or self.mode == "feature":
            return True
        if self.mode == "briefs":
            return False
        return sum(1 for p in story.paragraphs if not isinstance(p, Subhead)) >= 2

    def _fits_no_story(self, text: str, following: _Line | None) -> bool:
        """A short heading-like line between stories that heads nothing (no body follows it)."""
        if self._mid_sentence() or not _looks_like_headline(text):
            return False
        story = self.story
        if _NAME.fullmatch(text) and not (story and _TRAILING_BYLINE.search(story.paragraphs[-1])):
            return False  # a byline on a line of its own, unless the story already ended with one
        if _looks_like_body(text) or (self.story is not None and not self.story.paragraphs):
            return False
        if _BYLINE_LINE.match(text):
            return False
        return following is None or not _looks_like_body(following.text)

    def _names_column(self, text: str, following: _Line, after: _Line | None) -> bool:
        """A quoted line over a headline (“走向我们的小康生活”) names the column the story runs in."""
        return bool(_QUOTED.match(text)) and self._starts_story(following.text, after)

    def _start(self, headline_line: str = "", column: str = "", line: int | None = None) -> ParsedStory:
        story = ParsedStory(photo_slots=self.pending_photos, line=line)
        self.pending_photos = 0
        if headline_line:
            kicker, headline, subheadline, guessed = _split_headline(headline_line)
            kicker = " ".join(part for part in (column, kicker) if part)
            story.kicker, story.headline, story.subheadline = kicker, headline, subheadline
            if guessed:
                story.uncertain.append(NOTE_HEADLINE_SPLIT)
            if _NOTICE.search(headline_line):
                story.kind = "notice"
        story.captions.extend(self.pending_captions)
        self.pending_captions = []
        self.page.stories.append(story)
        self.story = story
        return story

    def _subhead(self, line: _Line, *, guessed: bool) -> None:
        text = line.text.replace("\n", " ")
        story = self.story
        if story is None:
            story = self._start(line=line.number)
            story.uncertain.append(NOTE_NO_HEADLINE)
        story.paragraphs.append(Subhead(text))
        story.paragraph_lines.append(line.number)
        if guessed:
            story.uncertain.append(NOTE_SUBHEAD_GUESS % {"subhead": text})

    def _caption(self, line: _Line, *, guessed: bool) -> None:
        text, credit = line.text.replace("\n", " "), ""
        if match := _CREDIT.search(text):
            text, credit = text[: match.start()].rstrip(), match.group(1).strip()
            if not text:  # a credit on its own line, under the caption it belongs to
                last = self._last_caption()
                if last is not None and not last.credit and last.line == self.last_line:
                    last.credit = credit
                    last.uncertain.clear()  # the credit says it is a caption
                    return
                text, credit = credit, ""
        caption = ParsedCaption(text=text, line=line.number, credit=credit)
        if guessed:
            caption.uncertain.append(NOTE_CAPTION_GUESS)
        story = self.story
        if story is None:
            self.pending_captions.append(caption)
        else:
            caption.after_paragraph = len(story.paragraphs)
            story.captions.append(caption)
        self.pending_photos = max(self.pending_photos - 1, 0)  # this gap's photo has its record

    def _last_caption(self) -> ParsedCaption | None:
        captions = self.pending_captions or (self.story.captions if self.story else [])
        return captions[-1] if captions else None

    def _unplaced(self, line: _Line, reason: Promise) -> None:
        self.page.unplaced.append(
            ParsedUnplaced(text=line.text.replace("\n", " "), line=line.number, reason=reason)
        )

    def _body(self, text: str, line: int | None = None, keep: bool = False) -> None:
        continued_from = continued_to = None
        if match := _JUMP_FROM.match(text):
            continued_from, text = chinese_page_number(match.group(1)), text[match.end() :]
        if match := _JUMP_TO.search(text):
            continued_to, text = chinese_page_number(match.group(1)), text[: match.start()]
        story = self.story
        # "(上接第X版)" right under a headline continues that story; anywhere else it opens one.
        opens_part = continued_from is not None and story is not None and bool(story.paragraphs)
        if story is None or (not keep and (story.continued_to is not None or opens_part)):
            story = self._start(line=line)
            story.uncertain.append(NOTE_NO_HEADLINE)
        story.photo_slots += self.pending_photos
        self.pending_photos = 0
        if continued_from is not None:
            story.continued_from = continued_from
        if text:
            last = story.paragraphs[-1] if story.paragraphs else None
            if (
                last is None
                or isinstance(last, Subhead)
                or _ends_paragraph(last)
                or text.startswith(DATELINE)
                or keep
                or self.standalone
            ):
                story.paragraphs.append(text)
                story.paragraph_lines.append(line)
            else:
                story.paragraphs[-1] = _join(last, text)
            # A line the editor marked as a paragraph stands alone: nothing joins it either side.
            self.standalone = keep
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
    lines = story.paragraph_lines
    if paragraphs and paragraphs[0].startswith(DATELINE) and not isinstance(paragraphs[0], Subhead):
        story.dateline = DATELINE
        paragraphs[0] = paragraphs[0].removeprefix(DATELINE).lstrip()
    if not story.byline and paragraphs and not isinstance(paragraphs[-1], Subhead):
        if match := _TRAILING_BYLINE.search(paragraphs[-1]):
            story.byline = match.group(1)
            paragraphs[-1] = paragraphs[-1][: match.start()]
        elif len(paragraphs) > 1 and (
            _NAME.fullmatch(paragraphs[-1]) or _BYLINE_LINE.match(paragraphs[-1])
        ):
            story.byline = paragraphs.pop()
            del lines[len(paragraphs) :]
    kept = [index for index, paragraph in enumerate(paragraphs) if paragraph]
    story.paragraphs = [paragraphs[index] for index in kept]
    story.paragraph_lines = [lines[index] for index in kept if index < len(lines)]
    for caption in story.captions:
        caption.after_paragraph = min(caption.after_paragraph, len(story.paragraphs))
