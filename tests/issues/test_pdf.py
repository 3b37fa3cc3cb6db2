import io

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from issues.pdf import images_to_pdf, open_pdf, render_page, split_pages, validate_page_pdf


def pdf_file(pages: int) -> SimpleUploadedFile:
    images = [Image.new("RGB", (100, 141), "white") for _ in range(pages)]
    return SimpleUploadedFile("issue.pdf", images_to_pdf(images))


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
