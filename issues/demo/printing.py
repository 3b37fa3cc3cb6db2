"""Print the demo's pages as page images, so the e-paper view has something real to show.

Each page is typeset from its own stories with Pillow and a Noto CJK font: masthead or page
header, then the stories in boxes, two columns under a full-width lead story. The box of each
story becomes its hot zone, as an editor would draw it. Without a CJK font nothing is printed and
the demo pages read as headline lists, as pages without an image always do.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.formats import date_format
from django.utils.html import strip_tags
from PIL import Image, ImageDraw, ImageFont

from issues.numerals import page_label
from issues.reading import StoryPart

WIDTH, HEIGHT = 1000, 1414  # the proportions of a broadsheet page (1:√2)
MARGIN = 44
GUTTER = 28
INK = (28, 28, 28)
RED = (179, 18, 27)
GREY = (110, 110, 110)

FONT_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/local/share/fonts"),
]
# Index of Simplified Chinese in Noto's CJK collections (Japanese, Korean, SC, TC, HK).
SC_INDEX = 2


def _font_path(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    return None


@dataclass
class Fonts:
    serif_bold: Path
    sans: Path

    def get(self, kind: str, size: int) -> ImageFont.FreeTypeFont:
        path = self.serif_bold if kind == "serif" else self.sans
        return _truetype(str(path), size)


@functools.cache
def _truetype(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=SC_INDEX)


def find_fonts() -> Fonts | None:
    """Noto CJK (Debian's fonts-noto-cjk), or None when it is not installed."""
    serif = _font_path("NotoSerifCJK-Bold.ttc") or _font_path("NotoSansCJK-Bold.ttc")
    sans = _font_path("NotoSansCJK-Regular.ttc")
    if serif is None or sans is None:
        return None
    return Fonts(serif_bold=serif, sans=sans)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break CJK text anywhere (as typesetters do), Latin only where it must."""
    lines, line, used = [], "", 0.0
    widths: dict[str, float] = {}
    for char in text:
        if char == "\n":
            lines.append(line)
            line, used = "", 0.0
            continue
        if char not in widths:
            widths[char] = font.getlength(char)
        if used + widths[char] > width and line:
            lines.append(line)
            line = char.lstrip()
            used = widths[char] if line else 0.0
        else:
            line += char
            used += widths[char]
    if line:
        lines.append(line)
    return lines


@dataclass
class Box:
    part: StoryPart
    x: int
    y: int
    width: int
    height: int = 0


def print_page(page, parts: list[StoryPart], fonts: Fonts, paper_name: str) -> tuple[Image.Image, list[Box]]:
    """The page as an image, and the box each story was set in."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (252, 251, 247))
    draw = ImageDraw.Draw(image)
    y = MARGIN
    issue = page.issue
    date_line = f"{date_format(issue.date, 'DATE_FORMAT')}  {date_format(issue.date, 'l')}"
    if page.number == 1:
        title = fonts.get("serif", 110)
        draw.text((WIDTH // 2, y), paper_name, font=title, fill=RED, anchor="mt")
        y += 130
        small = fonts.get("sans", 20)
        draw.text((MARGIN, y), date_line, font=small, fill=INK)
        draw.text((WIDTH - MARGIN, y), f"第{issue.number}期 总第{issue.total_number}期", font=small, fill=INK, anchor="ra")
        y += 34
        draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=RED, width=4)
        draw.line((MARGIN, y + 7, WIDTH - MARGIN, y + 7), fill=RED, width=1)
        y += 22
    else:
        head = fonts.get("serif", 34)
        draw.text((MARGIN, y), f"{page_label(page.number)}  {page.name}", font=head, fill=RED)
        draw.text((WIDTH - MARGIN, y + 12), f"{paper_name}  {date_line}", font=fonts.get("sans", 18), fill=GREY, anchor="ra")
        y += 56
        draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=INK, width=3)
        y += 18
    for slogan in page.slogan_list:
        font = fonts.get("serif", 26)
        for line in _wrap(slogan.replace("\n", " "), font, WIDTH - 2 * MARGIN):
            draw.text((WIDTH // 2, y), line, font=font, fill=RED, anchor="mt")
            y += 36
        y += 10

    stories = [part for part in parts if part.article]
    if not stories:
        draw.text((WIDTH // 2, HEIGHT // 2), page.name, font=fonts.get("serif", 60), fill=GREY, anchor="mm")
        return image, []
    column = (WIDTH - 2 * MARGIN - GUTTER) // 2
    lead, rest = stories[0], stories[1:]
    bottom = HEIGHT - MARGIN
    boxes = []
    # The lead story spans the page; the others share two columns below it.
    lead_share = bottom - y if not rest else max(260, (bottom - y) * (2 if len(rest) <= 2 else 1) // (len(rest) + 2))
    boxes.append(_set_story(draw, fonts, Box(lead, MARGIN, y, WIDTH - 2 * MARGIN), lead_share, lead=True))
    y = boxes[-1].y + boxes[-1].height + 16
    columns = [[], []]
    for n, part in enumerate(rest):
        columns[n % 2].append(part)
    for index, column_parts in enumerate(columns):
        if not column_parts:
            continue
        x = MARGIN + index * (column + GUTTER)
        top = y
        share = (bottom - y) // len(column_parts)
        for part in column_parts:
            box = _set_story(draw, fonts, Box(part, x, top, column), share - 14)
            boxes.append(box)
            top += box.height + 14
    if len(rest) > 1:
        middle = MARGIN + column + GUTTER // 2
        draw.line((middle, y, middle, bottom), fill=(200, 196, 186), width=1)
    return image, boxes


def _set_story(draw: ImageDraw.ImageDraw, fonts: Fonts, box: Box, height: int, lead: bool = False) -> Box:
    """Typeset one story into its box, as much text as fits; return the box with its height."""
    article = box.part.article
    y = box.y + 6
    limit = box.y + height
    if article.kicker and box.part.is_first_part:
        font = fonts.get("sans", 20)
        for line in _wrap(article.kicker, font, box.width):
            draw.text((box.x, y), line, font=font, fill=GREY)
            y += 28
    headline = fonts.get("serif", 40 if lead else 28)
    if not box.part.is_first_part:
        headline = fonts.get("serif", 22)
    for line in _wrap(article.headline, headline, box.width):
        draw.text((box.x + box.width // 2, y), line, font=headline, fill=INK, anchor="mt")
        y += headline.size + 10
    if article.subheadline and box.part.is_first_part:
        font = fonts.get("sans", 20)
        for line in _wrap(article.subheadline, font, box.width):
            draw.text((box.x + box.width // 2, y), line, font=font, fill=INK, anchor="mt")
            y += 28
    y += 6
    body = fonts.get("sans", 17)
    jump_font = fonts.get("sans", 17)
    text = "\n".join("\u3000\u3000" + strip_tags(paragraph).strip() for paragraph in box.part.paragraphs)
    lines = _wrap(text, body, box.width)
    room = max(2, (limit - y - (30 if box.part.continued_to else 0)) // 27)
    for line in lines[:room]:
        draw.text((box.x, y), line, font=body, fill=INK)
        y += 27
    if box.part.continued_to:
        draw.text((box.x + box.width, y + 2), f"(下转{page_label(box.part.continued_to.number)})", font=jump_font, fill=RED, anchor="ra")
        y += 30
    box.height = y - box.y + 4
    draw.rectangle((box.x - 6, box.y - 2, box.x + box.width + 6, box.y + box.height), outline=(225, 221, 210))
    return box
