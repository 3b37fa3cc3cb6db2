"""Read a page PDF's text layer as the layout system exported it: blocks in reading order, as page text.

Layout systems (方正飞腾, InDesign) export each page as a PDF whose text layer holds every line
with its position. PDFium (pypdfium2) gives those lines as rectangles with their text; this
module groups them into blocks (a vertical headline's one-character rectangles into one line,
a column's lines into paragraphs), puts the blocks in reading order by cutting the page at its
widest white gaps (first across, then down: headline over columns, columns left to right, a
vertical headline before the story it heads), and writes the page text the text importer reads
(issues.pagetext): a headline-size block on a line of its own, a caption or a picture as a photo
gap, paragraphs separated by blank lines. Each line of that text remembers its block's box, so
the import can draw the e-paper's hot zones from where a story's blocks stand.

A PDF whose fonts were turned into outlines has no text layer: it is told apart here
(``PdfLayout.has_text``) so the import can refuse its text with the reason and still use its image.
"""

import statistics
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from issues.pdf import _pdfium

# Fewer readable characters than this: the page has no text layer (outlined fonts, a scan).
MIN_TEXT_CHARS = 20
# Share of characters PDFium cannot map to Unicode above which the text layer is unusable.
MAX_UNMAPPED_SHARE = 0.1
HEADLINE_SIZE_RATIO = 1.4  # a block this much larger than body text is a headline
CAPTION_SIZE_RATIO = 0.95  # a block smaller than body text is a caption
SUBHEAD_SIZE_RATIO = 1.1  # one line this much larger than body text is a subhead
PHOTO_GAP = "\n\n\n\n"


@dataclass
class Box:
    """A rectangle in PDF points, origin at the page's bottom left."""

    left: float
    bottom: float
    right: float
    top: float

    def union(self, other: "Box") -> "Box":
        return Box(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class Block:
    """Lines of one size standing together: a headline, a column's paragraphs, a caption."""

    lines: list[str]
    box: Box
    size: float
    vertical: bool = False
    image: bool = False
    # Paragraph starts (indexes into lines), from first-line indents.
    starts: list[int] = field(default_factory=lambda: [0])

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class PdfLayout:
    """A page PDF read: its size, blocks in reading order, and the page text made of them."""

    width: float
    height: float
    blocks: list[Block]
    has_text: bool
    text: str = ""
    # Line number of the text (from 0) -> the blocks it came from.
    line_blocks: dict[int, list[Block]] = field(default_factory=dict)
    # What font size says of a line, as marks for issues.pagetext: headline, subhead, caption.
    marks: dict[int, str] = field(default_factory=dict)

    def fraction(self, box: Box) -> tuple[float, float, float, float]:
        """x, y, width, height of a box as fractions of the page, from its top left (as HotZone)."""
        left = max(box.left, 0) / self.width
        top = max(self.height - box.top, 0) / self.height
        width = min(box.width / self.width, 1 - left)
        height = min(box.height / self.height, 1 - top)
        return left, top, width, height


def read_page_layout(document: pdfium.PdfDocument, index: int = 0) -> PdfLayout:
    """The page's text blocks in reading order, and the page text for issues.pagetext."""
    with _pdfium:
        page = document[index]
        width, height = page.get_size()
        runs, has_text = _runs(page)
        images = _images(page)
        page.close()
    blocks = _blocks(_vertical_lines(runs))
    ordered = _reading_order(blocks + images, _body_size(blocks))
    layout = PdfLayout(width=width, height=height, blocks=ordered, has_text=has_text)
    if has_text:
        _write_text(layout)
    return layout


def _runs(page: pdfium.PdfPage) -> tuple[list[Block], bool]:
    """Each text rectangle PDFium finds (about one printed line) as a one-line block."""
    textpage = page.get_textpage()
    chars = textpage.count_chars()
    text = textpage.get_text_range() if chars else ""
    readable = [c for c in text if not c.isspace()]
    unmapped = sum(1 for c in readable if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    has_text = len(readable) >= MIN_TEXT_CHARS and unmapped <= MAX_UNMAPPED_SHARE * len(readable)
    runs = []
    for index in range(textpage.count_rects() if has_text else 0):
        left, bottom, right, top = textpage.get_rect(index)
        line = textpage.get_text_bounded(left, bottom, right, top).strip()
        if line:
            box = Box(left, bottom, right, top)
            runs.append(Block([line], box, size=_font_size(textpage, box)))
    textpage.close()
    return runs, has_text


def _font_size(textpage: pdfium.PdfTextPage, box: Box) -> float:
    """The font size at the middle of a line, else its height."""
    index = textpage.get_index((box.left + box.right) / 2, (box.top + box.bottom) / 2, box.width / 2, box.height)
    if index is not None and index >= 0:
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
        if size > 0:
            return round(size, 1)
    return round(box.height, 1)


def _images(page: pdfium.PdfPage) -> list[Block]:
    """The page's pictures, as empty blocks: a photo gap in the text."""
    images = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        # A drawn frame or a picture big enough to be a photo, not a rule or a bullet.
        if right - left > 40 and top - bottom > 40:
            images.append(Block([], Box(left, bottom, right, top), size=0, image=True))
    return images


def _vertical_lines(runs: list[Block]) -> list[Block]:
    """Single characters stacked in one column (a vertical headline) joined into one vertical line."""
    def centre(block: Block) -> float:
        return (block.box.left + block.box.right) / 2

    merged: list[Block] = []
    for run in sorted(runs, key=lambda run: -run.box.top):
        # Each character of a vertical line is a rectangle of its own; a space leaves a gap.
        column = None
        if len(run.text) <= 2:
            column = next(
                (
                    line
                    for line in reversed(merged)
                    if (line.vertical or len(line.text) <= 2)
                    and abs(centre(run) - centre(line)) < run.size * 0.5
                    and abs(run.size - line.size) < run.size * 0.1
                    and -0.1 * run.size <= line.box.bottom - run.box.top < run.size * 1.6
                ),
                None,
            )
        if column is not None:
            column.lines[0] += run.text
            column.box = column.box.union(run.box)
            column.vertical = True
        else:
            merged.append(Block(list(run.lines), run.box, run.size))
    return merged


def _blocks(lines: list[Block]) -> list[Block]:
    """Lines of one size, one above the next in the same column, joined into blocks."""
    lines = sorted(lines, key=lambda line: (-line.box.top, line.box.left))
    blocks: list[Block] = []
    for line in lines:
        target = None
        for block in blocks:
            if block.vertical or line.vertical or abs(block.size - line.size) > 0.1 * line.size:
                continue
            overlap = min(block.box.right, line.box.right) - max(block.box.left, line.box.left)
            gap = block.box.bottom - line.box.top
            if overlap > 0.5 * min(block.box.width, line.box.width) and -0.2 * line.size < gap < 0.8 * line.size:
                target = block
                break
        if target is None:
            blocks.append(Block(list(line.lines), line.box, line.size, vertical=line.vertical))
            continue
        # A line indented by about two characters opens a paragraph (Chinese setting).
        if line.box.left - target.box.left > 1.2 * line.size:
            target.starts.append(len(target.lines))
        target.lines.extend(line.lines)
        target.box = target.box.union(line.box)
    # The first line of a block may be the indented one: its paragraph starts at 0 anyway.
    return blocks


def _reading_order(blocks: list[Block], body: float) -> list[Block]:
    """Cut the page at its white gaps: across where a story or a headline's columns begin (one
    story under another, a headline over its columns), else down between columns; a block alone
    is read top to bottom."""
    if len(blocks) <= 1:
        return blocks
    across = _split(blocks, vertical=False)
    # A gap under short columns beside a long one is no cut: the long column goes on below it.
    merged = [across[0]]
    for group in across[1:]:
        if _opens_section(group, blocks, body):
            merged.append(group)
        else:
            merged[-1] = merged[-1] + group
    if len(merged) > 1:
        return [block for group in merged for block in _reading_order(group, body)]
    down = _split(blocks, vertical=True)
    if len(down) > 1:
        # A vertical headline beside its story is read before the story, whichever side it stands.
        down.sort(key=lambda group: not all(block.vertical for block in group if not block.image))
        return [block for group in down for block in _reading_order(group, body)]
    return sorted(blocks, key=lambda block: (-block.box.top, block.box.left))


def _opens_section(group: list[Block], region: list[Block], body: float) -> bool:
    """The blocks under a gap start a story (a headline at their top) or span the region's width."""
    top = max(block.box.top for block in group)
    if any(_is_headline(block, body) and top - block.box.top < 2 * body for block in group):
        return True
    width = max(b.box.right for b in region) - min(b.box.left for b in region)
    span = max(b.box.right for b in group) - min(b.box.left for b in group)
    return span >= 0.6 * width


def _is_headline(block: Block, body: float) -> bool:
    return not block.image and (block.vertical or block.size >= HEADLINE_SIZE_RATIO * body)


def _body_size(blocks: list[Block]) -> float:
    sizes = [block.size for block in blocks if not block.image for _ in block.text]
    return statistics.median(sizes) if sizes else 10


def _split(blocks: list[Block], *, vertical: bool) -> list[list[Block]]:
    """Groups of blocks separated by a gap no block crosses: left to right, or top to bottom."""
    if vertical:
        spans = sorted([((b.box.left, b.box.right), b) for b in blocks], key=lambda span: span[0])
    else:
        spans = sorted([((-b.box.top, -b.box.bottom), b) for b in blocks], key=lambda span: span[0])
    groups: list[list[Block]] = []
    end = None
    for (start, stop), block in spans:
        if end is None or start >= end - 0.5:
            groups.append([block])
            end = stop
        else:
            groups[-1].append(block)
            end = max(end, stop)
    return groups


def _write_text(layout: PdfLayout) -> None:
    """The blocks as exported page text: the parser reads it like a layout system's text export."""
    body = _body_size(layout.blocks)
    out: list[str] = []

    def emit(text: str, block: Block, mark: str = "") -> None:
        layout.line_blocks[len(out)] = [block]
        if mark:
            layout.marks[len(out)] = mark
        out.append(text)
        out.append("")

    previous_headline = False
    for block in layout.blocks:
        if block.image:
            out.extend(["", "", ""])
            previous_headline = False
            continue
        if _is_headline(block, body):
            text = " ".join(block.lines)
            # Kicker, headline and subheadline stand in blocks of their own: one headline line.
            if previous_headline and out:
                number = max(layout.line_blocks)
                out[number] = f"{out[number]} {text}"
                layout.line_blocks[number].append(block)
            else:
                emit(text, block, "headline")
            previous_headline = True
            continue
        previous_headline = False
        if block.size < CAPTION_SIZE_RATIO * body:
            out.extend(["", "", ""])
            emit("".join(block.lines), block, "caption")
            continue
        if block.size >= SUBHEAD_SIZE_RATIO * body and len(block.lines) == 1:
            emit(block.text, block, "subhead")
            continue
        starts = sorted(set(block.starts)) + [len(block.lines)]
        for start, stop in zip(starts, starts[1:]):
            emit("".join(block.lines[start:stop]), block, "body")
    layout.text = "\n".join(out) + "\n"
