"""Bad uploads bounce off with a reason, and nothing is half-saved (no row, no file)."""

import io
import struct
import zlib

import pytest
from PIL import Image
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Photo
from newsroom.images.validators import validate_image_upload
from issues.models import Page
from tests.admin_forms import article_form, inline_management, jpeg
from tests.factories import PageFactory
from tests.helpers import real_pdf

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few hundred bytes that declares width×height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def files_in(media_root) -> list:
    """Uploaded originals; the renditions made from them come and go with them, and an upload
    kept for a form shown again (stash/, articles.desk.photo_forms) belongs to no row."""
    if not media_root.exists():
        return []
    return [
        path for path in media_root.rglob("*") if path.is_file() and not {"renditions", "stash"} & set(path.parts)
    ]


# --- Photos, through the reporter's article form -----------------------------------------------

BAD_PHOTOS = {
    "not an image": (upload("notes.jpg", b"Minutes of the meeting, not a photo.", "image/jpeg"), "不是图片"),
    "truncated": (upload("cut.jpg", jpeg(400, 300).read()[:700], "image/jpeg"), "损坏"),
    "decompression bomb": (upload("bomb.png", png_bomb(), "image/png"), "图片"),
    "svg with script": (upload("drawing.svg", SVG_WITH_SCRIPT, "image/svg+xml"), "图片"),
    "svg named png": (upload("drawing.png", SVG_WITH_SCRIPT, "image/png"), "图片"),
    "html named jpg": (upload("x.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"), "图片"),
}


@pytest.mark.parametrize("case", BAD_PHOTOS)
def test_bad_photo_is_refused_with_a_reason_and_nothing_is_saved(reporter_client, media_root, case):  # noqa: F811
    file, reason = BAD_PHOTOS[case]
    file.seek(0)
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = file

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert reason in content
    assert "我区实行慢病全链条全周期闭环式管理" in content  # the reporter's text is kept
    assert Article.objects.count() == 0 and Photo.objects.count() == 0
    assert files_in(media_root) == []


def test_photo_over_the_pixel_limit_is_refused_with_its_dimensions(reporter_client, settings, media_root):  # noqa: F811
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_IMAGE_PIXELS": 1000}
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = jpeg(64, 48)

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "64×48" in content
    # The limit itself is stated: in megapixels, and as the largest 3:2 photo it allows.
    assert "0.001" in content and "38×25" in content
    assert Photo.objects.count() == 0 and files_in(media_root) == []


def test_oversized_photo_file_is_refused_with_the_limit(reporter_client, settings, media_root):  # noqa: F811
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_IMAGE_BYTES": 1024}
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = jpeg(400, 300)

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "上限是 1.0\xa0KB" in response.content.decode()
    assert Photo.objects.count() == 0 and files_in(media_root) == []


def camera_jpeg(width: int, height: int, name: str = "DSC01234.JPG", orientation: int | None = None) -> SimpleUploadedFile:
    """A JPEG as a camera writes it (grey, quick to make even at 61 megapixels), optionally turned by EXIF."""
    from PIL import Image

    image = Image.new("L", (width, height), 128)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=50, exif=exif.tobytes())
    return upload(name, buffer.getvalue(), "image/jpeg")


def file_a_photo(client, image) -> "Photo | None":
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = image
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Photo.objects.get()


def test_photo_over_the_pixel_limit_is_refused_with_its_megapixels_and_the_limit(reporter_client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_IMAGE_PIXELS": 2_000_000}
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = camera_jpeg(2000, 1500)

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert "图片为 2000×1500 像素（3.0 百万像素），上限是 2 百万像素，例如 1732×1154 像素。" in response.content.decode()


def test_a_61_megapixel_camera_original_is_kept_as_a_bounded_master(reporter_client, settings, media_root):
    # A small master keeps the test quick; the pixel limit is the shipped one.
    settings.NEWSROOM = {**settings.NEWSROOM, "IMAGE_MASTER_LONG_SIDE": 1000}

    photo = file_a_photo(reporter_client, camera_jpeg(9504, 6432))

    assert (photo.width, photo.height) == (1000, 677)
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1000, 677)
    assert [path.suffix for path in files_in(media_root)] == [".jpg"]


def test_a_scaled_master_has_the_cameras_orientation_applied(reporter_client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "IMAGE_MASTER_LONG_SIDE": 100}

    # Orientation 6: the camera was held upright; the pixels lie on their side.
    photo = file_a_photo(reporter_client, camera_jpeg(400, 200, orientation=6))

    assert (photo.width, photo.height) == (50, 100)


def test_a_scaled_png_stays_png(reporter_client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "IMAGE_MASTER_LONG_SIDE": 100}
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 0, 255, 128)).save(buffer, "PNG")

    photo = file_a_photo(reporter_client, upload("chart.png", buffer.getvalue(), "image/png"))

    assert photo.image.name.endswith(".png") and (photo.width, photo.height) == (100, 75)


@pytest.mark.parametrize("name", ["photo.pdf", "photo.ps", "photo.eps", "photo.ico", "photo.PNG"])
def test_a_photo_is_stored_under_the_extension_of_its_real_format(reporter_client, name):
    photo = file_a_photo(reporter_client, upload(name, jpeg(64, 48).read(), "application/pdf"))

    assert photo.image.name.endswith(".jpg")
    assert photo.renditions["source"] == photo.image.name


def test_a_one_pixel_wide_strip_is_accepted_without_an_error(reporter_client):
    buffer = io.BytesIO()
    Image.new("RGB", (1, 30000), "red").save(buffer, "PNG")

    photo = file_a_photo(reporter_client, upload("strip.png", buffer.getvalue(), "image/png"))

    assert photo.renditions["sizes"]


def test_more_photos_in_one_save_than_the_setting_allows_are_refused_with_the_limit(reporter_client, settings, media_root):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_PHOTOS_PER_SAVE": 2}
    data = article_form(**inline_management("photos", total=3))
    for index in range(3):
        data[f"photos-{index}-order"] = str(index)
        data[f"photos-{index}-image"] = jpeg(64, 48)

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "一次最多保存 2 张新照片" in content
    assert Photo.objects.count() == 0 and files_in(media_root) == []
    # The three photos are kept for the next try, which can save two and drop one.
    assert content.count("已保留您上次选择的照片") == 3


def test_a_decompression_bomb_is_refused_with_the_limit(reporter_client, media_root):
    data = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1"})
    data["photos-0-image"] = upload("bomb.png", png_bomb(), "image/png")

    response = reporter_client.post(reverse("admin:articles_article_add"), data)

    content = response.content.decode()
    assert "上限是 100 百万像素，例如 12247×8164 像素" in content
    assert files_in(media_root) == []


def test_image_validator_names_svg_and_bombs_outside_forms_too():
    """Imports and scripts call full_clean without the form's own image check."""
    with pytest.raises(ValidationError) as svg:
        validate_image_upload(upload("x.svg", SVG_WITH_SCRIPT))
    assert svg.value.code == "svg"
    with pytest.raises(ValidationError) as bomb:
        validate_image_upload(upload("bomb.png", png_bomb()))
    assert bomb.value.code == "too_many_pixels"


# --- Page files, through the editor's page form ------------------------------------------------


def page_form(page: Page, **files) -> dict:
    return {
        "issue": str(page.issue_id),
        "number": str(page.number),
        "name": page.name,
        "editor": "",
        "slogans": "",
        **inline_management("placements"),
        **inline_management("teasers"),
        **files,
    }


BAD_PDFS = {
    "html named pdf": (upload("page.pdf", b"<html><body>not a pdf</body></html>", "application/pdf"), "不是 PDF"),
    "zip named pdf": (upload("page.pdf", b"PK\x03\x04" + b"\x00" * 200, "application/pdf"), "不是 PDF"),
    "damaged pdf": (upload("page.pdf", b"%PDF-1.7\n" + b"garbage " * 200, "application/pdf"), "损坏"),
    "cut pdf": (upload("page.pdf", real_pdf()[:60], "application/pdf"), "损坏"),
    "image named pdf": (upload("page.pdf", jpeg().read(), "application/pdf"), "不是 PDF"),
}


@pytest.mark.parametrize("case", BAD_PDFS)
def test_page_pdf_that_is_not_a_pdf_is_refused_with_a_reason(staff_client, media_root, case):
    page = PageFactory(issue__release_at=None, number=1, name="要闻")
    file, reason = BAD_PDFS[case]
    file.seek(0)

    response = staff_client.post(reverse("admin:issues_page_change", args=[page.pk]), page_form(page, pdf=file))

    assert response.status_code == 200
    assert reason in response.content.decode()
    page.refresh_from_db()
    assert not page.pdf and files_in(media_root) == []


def test_oversized_page_pdf_is_refused_with_the_limit(staff_client, settings, media_root):
    settings.NEWSROOM = {**settings.NEWSROOM, "MAX_PDF_BYTES": 100}
    page = PageFactory(issue__release_at=None, number=1)

    response = staff_client.post(
        reverse("admin:issues_page_change", args=[page.pk]), page_form(page, pdf=upload("p.pdf", real_pdf()))
    )

    assert response.status_code == 200
    assert "上限是 100\xa0字节" in response.content.decode()
    page.refresh_from_db()
    assert not page.pdf


def test_real_page_pdf_and_image_are_accepted(staff_client, media_root):
    page = PageFactory(issue__release_at=None, number=1, name="要闻")

    response = staff_client.post(
        reverse("admin:issues_page_change", args=[page.pk]),
        page_form(page, pdf=upload("p1.pdf", real_pdf(), "application/pdf"), image=jpeg(300, 400)),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.pdf.name.endswith(".pdf") and page.image.name.endswith(".jpg")
    assert len(files_in(media_root)) == 2


def test_page_image_bomb_is_refused_and_the_page_keeps_its_old_image(staff_client, media_root):
    page = PageFactory(issue__release_at=None, number=1, image=SimpleUploadedFile("old.jpg", jpeg().read()))
    old = page.image.name

    response = staff_client.post(
        reverse("admin:issues_page_change", args=[page.pk]),
        page_form(page, image=upload("bomb.png", png_bomb(), "image/png")),
    )

    assert response.status_code == 200
    page.refresh_from_db()
    assert page.image.name == old
    assert len(files_in(media_root)) == 1


def test_pdf_validator_works_outside_forms_too():
    """The one PDF check, shared by the admin and any importer of page files."""
    from issues.pdf import validate_page_pdf

    validate_page_pdf(upload("p.pdf", real_pdf()))
    with pytest.raises(ValidationError) as not_pdf:
        validate_page_pdf(upload("p.pdf", b"<html></html>"))
    assert not_pdf.value.code == "not_pdf"
    with pytest.raises(ValidationError) as damaged:
        validate_page_pdf(upload("p.pdf", b"%PDF-1.4\n%%EOF"))
    assert damaged.value.code == "damaged_pdf"


def test_a_photo_upload_is_decoded_once_on_its_way_through_the_form_and_the_service(reporter_client):
    from unittest import mock

    from newsroom.images import validators

    data = article_form(**inline_management("photos", total=1), **{"photos-0-caption": "现场", "photos-0-order": "1"})
    data["photos-0-image"] = jpeg()
    with mock.patch.object(validators, "_check_image", wraps=validators._check_image) as check:
        response = reporter_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    assert Photo.objects.count() == 1
    assert check.call_count == 1
