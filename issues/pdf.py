"""Print PDFs: check an upload, render a page to an image, split an issue into page PDFs.

pypdfium2 wraps PDFium (Chromium's PDF engine) in a wheel from PyPI: no system tool such as
Ghostscript or poppler is needed, and it both renders and writes PDFs.

Rendering is the one costly step, and a PDF can make it cost anything: a 70 KB page of 5,000
wide strokes rendered for 96 s, holding PDFium's process-wide lock. So pages are rendered in a
worker process (``python -m issues.pdfworker``, one per document, importing nothing but PDFium
and Pillow), which is killed when a page takes longer than
RENDER_SECONDS_PER_PAGE or the document's pages together longer than RENDER_SECONDS_PER_DOCUMENT;
the page is then refused with a message naming the limit. Opening, checking and splitting stay
in this process: they only parse, which is quick.
"""

import io
import os
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
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
_BASE_DIR = Path(__file__).resolve().parent.parent
# Wall-clock limits of rendering in the worker process. A newspaper page renders in about 0.3 s.
RENDER_SECONDS_PER_PAGE = 5
RENDER_SECONDS_PER_DOCUMENT = 60
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
        _sources[document] = data  # for the worker process that renders its pages
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
    """One page of the PDF as a JPEG whose long side is RENDER_LONG_SIDE pixels, within the limits.

    Raises ValidationError (code "render_timeout") when the page, or the document so far, took
    longer than its limit; the worker is killed and the next page gets a new one.
    """
    job = _job(document)
    left = RENDER_SECONDS_PER_DOCUMENT - job.spent
    timeout = min(RENDER_SECONDS_PER_PAGE, left)
    if timeout > 0:
        try:
            return job.render(index, timeout)
        except TimeoutError:
            if timeout == RENDER_SECONDS_PER_PAGE:
                raise ValidationError(
                    _(
                        "Page %(page)s of the PDF took longer than %(seconds)s seconds to render, the "
                        "limit for one page. Export it again with simpler artwork, or upload the page "
                        "image yourself."
                    ),
                    code="render_timeout",
                    params={"page": index + 1, "seconds": RENDER_SECONDS_PER_PAGE},
                ) from None
    raise ValidationError(
        _(
            "Rendering this PDF took longer than %(seconds)s seconds in all, the limit for one PDF; "
            "page %(page)s and the pages after it were not rendered. Upload them again separately."
        ),
        code="render_timeout",
        params={"page": index + 1, "seconds": RENDER_SECONDS_PER_DOCUMENT},
    )


# --- The worker process ---------------------------------------------------------------------------

# Each open document's bytes (as uploaded) and its rendering job, dropped with the document.
_sources: "weakref.WeakKeyDictionary[pdfium.PdfDocument, bytes]" = weakref.WeakKeyDictionary()
_jobs: "weakref.WeakKeyDictionary[pdfium.PdfDocument, _RenderJob]" = weakref.WeakKeyDictionary()


class _RenderJob:
    """A document's pages rendered one by one in a worker process, with the time they took."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.spent = 0.0  # seconds waited on the worker, for RENDER_SECONDS_PER_DOCUMENT
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()  # one page at a time through the worker's pipe

    def _start(self) -> None:
        # A fresh interpreter rather than a fork: the web process's threads and PDFium's lock
        # are not copied, and nothing depends on how the web server's main module was started.
        path = os.pathsep.join(filter(None, [str(_BASE_DIR), os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, "PYTHONPATH": path}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "issues.pdfworker", str(RENDER_SECONDS_PER_DOCUMENT + 10)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=_BASE_DIR, env=environment,
        )
        self._send(self.data)

    def _send(self, payload: bytes) -> None:
        self.process.stdin.write(struct.pack(">Q", len(payload)) + payload)
        self.process.stdin.flush()

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, fd = [], self.process.stdout.fileno()
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def render(self, index: int, timeout: float) -> bytes:
        """The page's JPEG; TimeoutError (and the worker killed) if it takes longer than timeout."""
        with self.lock:
            return self._render(index, timeout)

    def _render(self, index: int, timeout: float) -> bytes:
        started = time.monotonic()
        deadline = started + timeout
        try:
            if self.process is None:
                self._start()
            self._send(f"{index} {RENDER_LONG_SIDE} {RENDER_JPEG_QUALITY}".encode())
            status, size = struct.unpack(">cQ", self._read(9, deadline))
            payload = self._read(size, deadline)
        except TimeoutError:
            self.stop()
            raise
        except (EOFError, OSError):  # the worker died (PDFium crashed on the file)
            self.stop()
            raise ValidationError(
                _("The PDF is damaged and cannot be read."), code="damaged_pdf"
            ) from None
        finally:
            self.spent += time.monotonic() - started
        if status != b"+":
            raise ValidationError(_("The PDF is damaged and cannot be read."), code="damaged_pdf")
        return payload

    def stop(self) -> None:
        """Kill the worker (a render cannot be interrupted any other way); the next page starts one."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                stream.close()


def _job(document: pdfium.PdfDocument) -> _RenderJob:
    job = _jobs.get(document)
    if job is None:
        data = _sources.get(document)
        if data is None:  # a document made here rather than opened from an upload
            buffer = io.BytesIO()
            with _pdfium:
                document.save(buffer)
            data = buffer.getvalue()
        job = _jobs[document] = _RenderJob(data)
        # The worker goes when the document does (the finalizer holds the job, not the document).
        weakref.finalize(document, job.stop)
    return job


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
