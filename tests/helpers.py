"""Helpers the tests and the benchmarks share (fixtures live in conftest.py)."""

import datetime
import html
import re
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2
from PIL import Image
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import Article
from issues.models import Issue
from issues.pdf import images_to_pdf
from issues.services import jump_create, placement_create, teaser_create
from tests.factories import ArticleFactory, HotZoneFactory, IssueFactory, PageFactory, PhotoFactory, UserFactory, png_bytes


@contextmanager
def assembling(*issues: Issue) -> Iterator[None]:
    """Lay out issues through the services as the desk does before release, then release them as they were.

    The services refuse to change a released issue, so a test that wants a released paper with
    jumps and teasers assembles it open first, as the desk would.
    """
    release_times = {issue.pk: Issue.objects.get(pk=issue.pk).release_at for issue in issues}
    Issue.objects.filter(pk__in=release_times).update(release_at=None)
    try:
        yield
    finally:
        for pk, release_at in release_times.items():
            Issue.objects.filter(pk=pk).update(release_at=release_at)
        for issue in issues:
            issue.refresh_from_db(fields=["release_at"])


def line_art_pdf(*, operators: int = 50_000, pages: int = 1, transform: str = "") -> bytes:
    """A PDF whose pages each draw ``operators`` strokes ("0 0 m 1 1 l S"), compressed.

    The hostile tester's page: 50,000 strokes deflate to under 3 KB. ``transform`` goes first in
    each content stream: "500 0 0 800 0 0 cm" stretches every stroke (and its width) across the
    page, which PDFium takes minutes to rasterize.
    """
    content = zlib.compress((transform + "\n").encode() + b"0 0 m 1 1 l S\n" * operators, 9)
    kids = " ".join(f"{3 + 2 * page} 0 R" for page in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    for page in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * page} 0 R >>".encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def real_pdf() -> bytes:
    """A one-page A4 PDF, as a layout system exports a page."""
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def pdf_file(pages: int) -> SimpleUploadedFile:
    """An upload of a PDF with this many blank pages."""
    images = [Image.new("RGB", (100, 141), "white") for _ in range(pages)]
    return SimpleUploadedFile("issue.pdf", images_to_pdf(images))


# --- The public URLconf, walked ---------------------------------------------------------------------

# URL namespaces and prefixes that are not public surfaces (staff-only, or POST-only plumbing).
SKIP_NAMESPACES = {"admin"}
SKIP_PREFIXES = ("admin/",)

@dataclass
class Route:
    name: str
    params: dict[str, object]  # parameter name -> converter (or None for a regex group)
    prefix: str


def public_routes() -> tuple[list[Route], list[str]]:
    """Every named public route, with its parameters; and the unnamed ones the sweep cannot reverse."""
    routes, unnamed = [], []

    def walk(patterns, namespace: str, prefix: str, params: dict):
        for entry in patterns:
            pattern = entry.pattern
            here = prefix + str(pattern)
            own = dict(getattr(pattern, "converters", {}))
            if not own and hasattr(pattern, "regex"):
                own = {name: None for name in pattern.regex.groupindex}
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIP_NAMESPACES or here.startswith(SKIP_PREFIXES):
                    continue
                child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, child_ns, here, {**params, **own})
            elif isinstance(entry, URLPattern):
                if here.lstrip("^").startswith(SKIP_PREFIXES):
                    continue
                if not entry.name:
                    unnamed.append(here)
                    continue
                routes.append(Route(f"{namespace}{entry.name}", {**params, **own}, here))

    walk(get_resolver().url_patterns, "", "", {})
    return routes, unnamed


# --- A paper to read ----------------------------------------------------------------------------


def page_url(page) -> str:
    return reverse("issues:page-detail", kwargs={"date": page.issue.date, "number": page.number})


def build_issue(*, released=True, date=None, pages=4):
    """An issue with named pages: released, scheduled (released=False) or open (released=None)."""
    extra = {"release_at": None} if released is None else {"released": released}
    issue = IssueFactory(**extra, **({"date": date} if date else {}))
    names = ["要闻", "综合新闻", "专题新闻", "社会", "文体", "副刊"]
    return issue, [PageFactory(issue=issue, number=n, name=names[n - 1]) for n in range(1, pages + 1)]


def fill_archive(issues: int) -> None:
    for n in range(issues):
        issue, (front, second, third, _fourth) = build_issue(date=datetime.date(2019, 1, 1) + datetime.timedelta(days=n))
        front.editor = second.editor = UserFactory(first_name="值班编辑")
        # The front pages are e-paper pages: a page image with a hot zone per story.
        front.image.save("page.png", ContentFile(png_bytes(60, 85)), save=False)
        front.save()
        second.save()
        story = ArticleFactory(approved=True)
        with assembling(issue):
            jump_create(placement=placement_create(page=front, article=story), to_page=second, after_paragraph=3)
            HotZoneFactory(placement=story.placements.get(page=front))
            PhotoFactory(article=story)
            inside = placement_create(page=third, article=ArticleFactory(approved=True)).article
            teaser_create(page=front, article=inside)
        story.tags.add("要闻")
        # Bylines come from credits (articles.contributors): each story names a contributor.
        credit_archive_story(story)


def credit_archive_story(story) -> None:
    """Credit a story to a staff reporter of its own, as the archive's bylines are."""
    from articles.contributors.models import Contributor, Credit

    Credit.objects.create(article=story, contributor=Contributor.objects.create(name=f"记者{story.pk}"))


def latest_story():
    return Article.objects.published().order_by("-pk").first()


def contrast_on_white(colour: str) -> float:
    """WCAG contrast ratio of a #rgb or #rrggbb colour against white."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    channels = [int(hex_digits[n : n + 2], 16) / 255 for n in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


# --- Nothing an imported page printed goes missing ------------------------------------------------

_PAGE_LINK = re.compile(r"[(（]\s*[上下][转接]第?[一二三四五六七八九十]+版\s*[)）]")
_TEASER_POINTER = re.compile(r"^[▶►▷→]?详见第?[一二三四五六七八九十、]+版$")


def page_sentences(text: str) -> list[str]:
    """The page text's sentences (cut at 。！？ and at line ends), whitespace and ** markers removed.

    Jump lines and teaser pointers are links the import turns into jumps and teasers, not text.
    """
    sentences = []
    for line in text.splitlines():
        line = re.sub(r"\s|\*\*", "", _PAGE_LINK.sub("", line))
        if line and not _TEASER_POINTER.match(line):
            sentences += [s for s in re.split(r"(?<=[。！？!?])", line) if s]
    return sentences


def lost_sentences(text: str, found: list[str]) -> list[str]:
    """Sentences of the page text in none of ``found`` (each a story's, caption's or item's text, in order)."""
    haystack = re.sub(r"\s", "", "\n".join(found))
    return [sentence for sentence in page_sentences(text) if sentence not in haystack]


def parsed_texts(page) -> list[str]:
    """Everything a parse read, story by story: what the preview shows and Save keeps."""
    texts = ["".join(page.masthead), *page.slogans]
    for story in page.stories:
        parts = [story.kicker, story.headline, story.subheadline, story.dateline, *story.paragraphs]
        parts += [story.byline, *(c.text + c.credit for c in story.captions)]
        texts.append("".join(parts))
    texts += [caption.text + caption.credit for caption in page.captions]
    texts += [teaser.label + teaser.headline for teaser in page.teasers]
    texts += [item.text for item in page.unplaced]
    return texts


def saved_texts(page, masthead: list[str] = ()) -> list[str]:
    """Everything saved for a page: its stories (headlines, body, byline), their photos' captions,
    photo news, slogans and teasers; the masthead, reported but never saved, passed in."""
    from issues.models import Placement  # noqa: PLC0415

    texts = ["".join(masthead), page.slogans]
    for placement in Placement.objects.filter(page=page).select_related("article", "photo"):
        if placement.photo is not None:
            texts.append(placement.photo.caption + placement.photo.credit)
            continue
        article = placement.article
        body = re.sub(r"<[^>]+>", "", article.body)
        body = html.unescape(body)
        texts.append(
            article.kicker + article.headline + article.subheadline + article.dateline + body + article.byline
        )
        texts += [photo.caption + photo.credit for photo in article.photos.all()]
    texts += [teaser.label + teaser.headline for teaser in page.teasers.all()]
    return texts


# --- Page PDFs as a layout system exports them ----------------------------------------------------

PDF_FONT = "STSong-Light"  # reportlab's CID font: no font file needed, and PDFium reads its text
HEADLINE_SIZE, SUBHEAD_SIZE, BODY_SIZE, CAPTION_SIZE, LEADING = 26, 12, 10, 8, 14


def page_pdf(
    stories: list[dict], *, columns: int, vertical_headline: bool = False, size: tuple[int, int] = (842, 1191)
) -> tuple[bytes, list[tuple[float, float, float, float]]]:
    """A one-page PDF with a text layer: each story (headline, paragraphs, subheads, a photo with
    its caption) set in ``columns`` columns, one story under the other; and each story's drawn box
    as page fractions (x, y from the top left, width, height), the zone the import should draw.

    A story is {"headline": str, "paragraphs": [str, ...], "subheads": {index: str}, "caption": str}.
    """
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    width, height = size
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    top, boxes = height - 40, []
    for story in stories:
        drawn: list[tuple[float, float, float, float]] = []  # left, bottom, right, top

        def text(x, y, string, font_size):
            pdf.setFont(PDF_FONT, font_size)
            pdf.drawString(x, y, string)
            right = x + pdfmetrics.stringWidth(string, PDF_FONT, font_size)
            drawn.append((x, y - 0.12 * font_size, right, y + 0.88 * font_size))

        left, right = 40, width - 40
        if vertical_headline:
            for index, char in enumerate(story["headline"]):
                text(right - HEADLINE_SIZE, top - HEADLINE_SIZE * (index + 1) * 1.05, char, HEADLINE_SIZE)
            right -= HEADLINE_SIZE + 20
            body_top = top - BODY_SIZE
        else:
            text(left, top - HEADLINE_SIZE, story["headline"], HEADLINE_SIZE)
            body_top = top - HEADLINE_SIZE - 24
        gutter = 12
        column_width = (right - left - gutter * (columns - 1)) / columns
        per_line = max(int(column_width // BODY_SIZE) - 1, 4)
        lines: list[tuple[str, int, int]] = []  # text, indent, font size
        for index, paragraph in enumerate(story["paragraphs"]):
            if index in story.get("subheads", {}):
                lines.append((story["subheads"][index], 0, SUBHEAD_SIZE))
            first, rest = paragraph[: per_line - 2], paragraph[per_line - 2 :]
            lines.append((first, 2, BODY_SIZE))
            lines += [(rest[i : i + per_line], 0, BODY_SIZE) for i in range(0, len(rest), per_line)]
        per_column = -(-len(lines) // columns)
        for column in range(columns):
            x, y = left + column * (column_width + gutter), body_top
            if column == 0 and story.get("caption"):
                pdf.setFillGray(0.8)
                pdf.rect(x, y - 90, column_width, 90, stroke=0, fill=1)
                pdf.setFillGray(0)
                drawn.append((x, y - 90, x + column_width, y))
                y -= 90 + 12
                caption, wide = story["caption"], int(column_width // CAPTION_SIZE) - 1
                for start in range(0, len(caption), wide):
                    text(x, y, caption[start : start + wide], CAPTION_SIZE)
                    y -= CAPTION_SIZE + 2
                y -= LEADING + 4
            for string, indent, font_size in lines[column * per_column : (column + 1) * per_column]:
                text(x + indent * BODY_SIZE, y, string, font_size)
                y -= LEADING + (6 if font_size != BODY_SIZE else 0)
        box = (min(d[0] for d in drawn), min(d[1] for d in drawn), max(d[2] for d in drawn), max(d[3] for d in drawn))
        boxes.append((box[0] / width, (height - box[3]) / height, (box[2] - box[0]) / width, (box[3] - box[1]) / height))
        top = box[1] - 40
    pdf.showPage()
    pdf.save()
    return buffer.getvalue(), boxes
