import io
import os
import threading
import time

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from issues import pdf
from issues.pdf import images_to_pdf, open_pdf, render_page, split_pages, validate_page_pdf
from tests.helpers import line_art_pdf, pdf_file


def test_split_pages_gives_one_single_page_pdf_per_page_in_order():
    images = [Image.new("RGB", (100, 141), colour) for colour in ("red", "green", "blue")]
    document = pypdfium2.PdfDocument(images_to_pdf(images))

    parts = list(split_pages(document))

    assert [number for number, _pdf in parts] == [1, 2, 3]
    for number, pdf in parts:
        single = pypdfium2.PdfDocument(pdf)
        assert len(single) == 1
        pixel = single[0].render(scale=0.5).to_pil().convert("RGB").getpixel((10, 10))
        # The page's own colour (JPEG inside the PDF shifts it by a step or two).
        assert max(range(3), key=lambda channel: pixel[channel]) == number - 1


def test_render_page_is_a_jpeg_whose_long_side_is_2800_pixels():
    document = open_pdf(pdf_file(1))
    with Image.open(io.BytesIO(render_page(document))) as image:
        assert image.format == "JPEG" and image.height == 2800 and image.width == pytest.approx(1986, abs=2)


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "not_pdf"),
        (b"PK\x03\x04 a zip file", "not_pdf"),
        (b"%PDF-1.7\n garbage", "damaged_pdf"),
    ],
)
def test_open_pdf_refuses_what_is_not_a_readable_pdf(content, code):
    with pytest.raises(ValidationError) as error:
        open_pdf(SimpleUploadedFile("x.pdf", content))
    assert error.value.code == code


def test_open_pdf_refuses_a_pdf_over_the_size_limit(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_PDF_BYTES": 100}
    with pytest.raises(ValidationError) as error:
        open_pdf(pdf_file(1))
    assert error.value.code == "file_too_large"


def test_open_pdf_refuses_more_pages_than_an_issue_has():
    with pytest.raises(ValidationError) as error:
        open_pdf(pdf_file(3), max_pages=2)
    assert error.value.code == "too_many_pages"


def test_page_pdf_must_be_exactly_one_page():
    validate_page_pdf(pdf_file(1))
    with pytest.raises(ValidationError) as error:
        validate_page_pdf(pdf_file(2))
    assert error.value.code == "not_one_page"


# --- Hostile PDFs: rendered in a worker process, within limits -------------------------------------

# 5,000 strokes stretched across the page: PDFium rasterizes them for about 96 s.
SLOW_PAGE = {"operators": 5000, "transform": "500 0 0 800 0 0 cm"}


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("page.pdf", data)


def test_render_page_draws_the_pdf_in_another_process():
    document = open_pdf(upload(line_art_pdf(operators=50_000)))  # the hostile tester's 2.7 KB page
    with Image.open(io.BytesIO(render_page(document))) as image:
        assert image.format == "JPEG" and image.height == 2800
    worker = pdf._jobs[document].process
    assert worker is not None and worker.pid != os.getpid() and worker.poll() is None


def test_a_page_that_renders_longer_than_the_limit_is_refused_and_its_worker_killed(monkeypatch):
    monkeypatch.setattr(pdf, "RENDER_SECONDS_PER_PAGE", 1)
    document = open_pdf(upload(line_art_pdf(**SLOW_PAGE)))

    with pytest.raises(ValidationError) as error:
        render_page(document)

    assert error.value.code == "render_timeout"
    assert "PDF 第 1 页渲染超过 1 秒" in " ".join(error.value.messages)
    assert pdf._jobs[document].process is None  # killed: PDFium cannot be stopped otherwise


def test_a_pdf_whose_pages_take_longer_in_all_than_the_limit_stops_there(monkeypatch):
    monkeypatch.setattr(pdf, "RENDER_SECONDS_PER_PAGE", 30)
    monkeypatch.setattr(pdf, "RENDER_SECONDS_PER_DOCUMENT", 1)
    document = open_pdf(upload(line_art_pdf(**SLOW_PAGE, pages=3)))

    for index in range(3):
        with pytest.raises(ValidationError) as error:
            render_page(document, index)
        assert error.value.code == "render_timeout"
        assert "整份 PDF 渲染超过 1 秒" in " ".join(error.value.messages)
    assert pdf._jobs[document].spent < 5  # the second and third pages were not even tried


def test_while_a_page_renders_this_process_can_still_open_pdfs(monkeypatch):
    """The render holds PDFium's lock in the worker, not here: a reader's request never waits on it."""
    monkeypatch.setattr(pdf, "RENDER_SECONDS_PER_PAGE", 20)
    document = open_pdf(upload(line_art_pdf(**SLOW_PAGE)))
    rendering = threading.Thread(target=lambda: pytest.raises(ValidationError, render_page, document))
    rendering.start()
    try:
        while pdf._jobs.get(document) is None or pdf._jobs[document].process is None:
            time.sleep(0.01)
        assert len(open_pdf(pdf_file(2))) == 2
        assert rendering.is_alive()  # the slow page is still rendering in its worker
    finally:
        pdf._jobs[document].stop()
        rendering.join()


@pytest.mark.django_db
def test_a_print_pdf_with_a_page_too_slow_to_render_keeps_the_other_pages(monkeypatch):
    from issues.epaper import issue_attach_print
    from tests.factories import IssueFactory

    monkeypatch.setattr(pdf, "RENDER_SECONDS_PER_PAGE", 3)  # the fast pages take 0.3 s, on a busy machine more
    fast, slow = pypdfium2.PdfDocument(line_art_pdf(operators=10)), pypdfium2.PdfDocument(line_art_pdf(**SLOW_PAGE))
    whole = pypdfium2.PdfDocument.new()
    for part in (fast, slow, fast):
        whole.import_pages(part)
    buffer = io.BytesIO()
    whole.save(buffer)

    progress = list(issue_attach_print(issue=IssueFactory(release_at=None), document=open_pdf(upload(buffer.getvalue()))))

    assert [(step.number, bool(step.page), "3 秒" in step.error) for step in progress] == [
        (1, True, False), (2, False, True), (3, True, False)
    ]
