"""Print PDFs: check an upload, render a page to an image, split an issue into page PDFs.

pypdfium2 wraps PDFium (Chromium's PDF engine) in a wheel from PyPI: no system tool such as
Ghostscript or poppler is needed, and it both renders and writes PDFs.
"""

import io
import threading
from collections.abc import Iterator

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

# The long side of a page image rendered from a PDF: sharp on a retina phone, a few megapixels.
RENDER_LONG_SIDE = 2800
RENDER_JPEG_QUALITY = 88
MAX_ISSUE_PAGES = 99  # issues.models.MAX_PAGES; repeated because models import this module
# PDFium is not thread-safe: one call at a time per process, whatever the WSGI server's threads.
_pdfium = threading.RLock()


def _read(file) -> bytes:
    """The whole upload, leaving the file where it was."""
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        return file.read()
    finally:
        if position is not None:
            file.seek(position)


def open_pdf(file, *, max_pages: int = MAX_ISSUE_PAGES) -> pdfium.PdfDocument:
    """Open an uploaded PDF, or refuse it with the reason: too big, not a PDF, damaged, locked, empty."""
    limit = settings.NEWSROOM["MAX_PDF_BYTES"]
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The PDF is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    data = _read(file)
    # PDF readers accept the header anywhere in the first kilobyte.
    if b"%PDF-" not in data[:1024]:
        raise ValidationError(_("The file is not a PDF."), code="not_pdf")
    try:
        with _pdfium:
            document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ValidationError(
                _("The PDF is protected by a password; export it again without one."), code="encrypted_pdf"
            )
        raise ValidationError(_("The PDF is damaged and cannot be read."), code="damaged_pdf")
    if len(document) == 0:
        raise ValidationError(_("The PDF has no pages."), code="empty_pdf")
    if len(document) > max_pages:
        raise ValidationError(
            _("The PDF has %(count)s pages; an issue has at most %(limit)s."),
            code="too_many_pages",
            params={"count": len(document), "limit": max_pages},
        )
    return document


def validate_page_pdf(file) -> None:
    """A page's PDF: a readable PDF of exactly one page."""
    document = open_pdf(file)
    if len(document) != 1:
        raise ValidationError(
            _(
                "This PDF has %(count)s pages. Upload one page here, or the whole issue's PDF with "
                "“Upload the print PDF” on the issue."
            ),
            code="not_one_page",
            params={"count": len(document)},
        )


def render_page(document: pdfium.PdfDocument, index: int = 0) -> bytes:
    """One page of the PDF as a JPEG whose long side is RENDER_LONG_SIDE pixels."""
    with _pdfium:
        page = document[index]
        width, height = page.get_size()
        scale = RENDER_LONG_SIDE / max(width, height, 1)
        image = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil()
        page.close()
    if image.mode != "RGB":
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=RENDER_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def split_pages(document: pdfium.PdfDocument) -> Iterator[tuple[int, bytes]]:
    """Each page as its own PDF: (page number from 1, the one-page PDF)."""
    for index in range(len(document)):
        buffer = io.BytesIO()
        with _pdfium:
            single = pdfium.PdfDocument.new()
            single.import_pages(document, [index])
            single.save(buffer)
            single.close()
        yield index + 1, buffer.getvalue()


def images_to_pdf(images: list[Image.Image]) -> bytes:
    """A PDF with one image per page (Pillow writes it): for the demo and for tests."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]
    first.save(buffer, "PDF", save_all=True, append_images=rest, resolution=100)
    return buffer.getvalue()
