"""What an uploaded image must be to be kept, and the master it is kept as.

An upload is checked once, when it comes in (validate_image_upload); a stored file was checked on
its way in and is not read again on every later save of its row. An accepted original larger than
IMAGE_MASTER_LONG_SIDE is scaled down to that (image_master), so a 61-megapixel camera original
is kept as a bounded master instead of being refused, and every rendition is made from the master.
"""

import io
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Each accepted format is stored under its own extension, whatever the upload was called: JPEG
# bytes named `.pdf` or `.eps` would otherwise be served as a PDF or PostScript file.
FORMAT_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
MASTER_JPEG_QUALITY = 90
# libwebp cannot write an image longer than this on either side.
WEBP_MAX_SIDE = 16383


def is_new_upload(file) -> bool:
    """A file coming in now, not one already in storage (that one was checked when it came in)."""
    return not getattr(file, "_committed", False)


def megapixels(pixels: int) -> str:
    """61.1 for 61,100,000 pixels; two significant digits below a tenth of a megapixel."""
    return f"{pixels / 1_000_000:.1f}" if pixels >= 100_000 else f"{pixels / 1_000_000:.2g}"


def pixel_limit_params(limit: int) -> dict:
    """The pixel limit as people read it: megapixels, and the largest 3:2 photo within it."""
    width = math.isqrt(limit * 3 // 2)
    return {
        "limit": f"{limit / 1_000_000:g}",
        "example": f"{width}×{width * 2 // 3}",
    }


def _upload_of(file):
    """The uploaded file itself, also when it comes wrapped in a model's FieldFile."""
    if isinstance(file, FieldFile) and file._file is not None:
        return file._file
    return file


def validate_image_upload(file) -> None:
    """Refuse, with a reason and the limit, images that are too big, not a photo format, broken or a bomb.

    An upload passes through the form field, the model form and the photo service's full_clean:
    it is decoded once, and the later checks see the mark the first one left.
    """
    if not file or not is_new_upload(file):
        return
    upload = _upload_of(file)
    if getattr(upload, "_newsroom_image_checked", False):
        return
    _check_image(file)
    upload._newsroom_image_checked = True


def _check_image(file) -> None:
    limits = settings.NEWSROOM
    if file.size is not None and file.size > limits["MAX_IMAGE_BYTES"]:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limits["MAX_IMAGE_BYTES"]),
            },
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        head = file.read(512).lstrip().lower()
        if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head:
            # Drawings can carry scripts that run when the file is opened on its own.
            raise ValidationError(
                _("SVG drawings are not accepted (they can carry scripts); upload a JPEG, PNG, GIF or WebP."),
                code="svg",
            )
        file.seek(0)
        with _quiet_about_size(), Image.open(file) as image:
            width, height = image.size
            if width * height > limits["MAX_IMAGE_PIXELS"]:
                raise ValidationError(
                    _(
                        "The image is %(width)s×%(height)s pixels (%(megapixels)s megapixels); the limit "
                        "is %(limit)s megapixels, for example %(example)s pixels."
                    ),
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "megapixels": megapixels(width * height),
                        **pixel_limit_params(limits["MAX_IMAGE_PIXELS"]),
                    },
                )
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not accepted; upload a JPEG, PNG, GIF or WebP."),
                    code="bad_format",
                    params={"format": image.format},
                )
            image.verify()
        # verify() misses truncated data; decoding the pixels does not. A JPEG is decoded at the
        # smallest scale its format offers: that reads every byte at a fraction of the memory.
        file.seek(0)
        with _quiet_about_size(), Image.open(file) as image:
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _(
                "The image is too large in pixels to be processed safely; the limit is %(limit)s "
                "megapixels, for example %(example)s pixels."
            ),
            code="too_many_pixels",
            params=pixel_limit_params(limits["MAX_IMAGE_PIXELS"]),
        )
    except Exception:
        raise ValidationError(
            _("The file is not an image, or the image is damaged."), code="invalid_image"
        )
    finally:
        if position is not None:
            file.seek(position)


@contextmanager
def _quiet_about_size() -> Iterator[None]:
    """Pillow warns above 89 megapixels; the site's own limit (checked from the header) rules here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def image_master(file, *, long_side: int | None = None) -> File:
    """The checked upload as it is kept: under its format's extension, scaled down if longer than long_side.

    A master that needs no scaling keeps the uploaded bytes (and its EXIF, which browsers and the
    renditions both apply). A scaled one is re-encoded with its EXIF orientation applied to the
    pixels and the rest of its EXIF (camera, GPS position) left out; its colour profile is kept.
    JPEG stays JPEG, PNG stays PNG, WebP stays WebP; a GIF's first frame becomes a PNG.
    """
    long_side = long_side or settings.NEWSROOM["IMAGE_MASTER_LONG_SIDE"]
    stem = PurePath(getattr(file, "name", "") or "image").stem or "image"
    file.seek(0)
    with _quiet_about_size():
        try:
            opened = Image.open(file)
        except (OSError, ValueError, Image.DecompressionBombError):
            opened = None
    if opened is None or opened.format not in FORMAT_EXTENSIONS:
        # Unchecked (a script that skipped full_clean): kept as it came; the renditions log it.
        file.seek(0)
        return file
    with _quiet_about_size(), opened as image:
        format = image.format
        if max(image.size) <= long_side:
            file.seek(0)
            return File(file, name=f"{stem}{FORMAT_EXTENSIONS[format]}")
        scale = long_side / max(image.size)
        if format == "JPEG":
            # Decode at the smallest DCT scale still at least the master's size: a 100-megapixel
            # original then costs a quarter of its memory and time, not all of it.
            image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        icc_profile = image.info.get("icc_profile")
        master = ImageOps.exif_transpose(image)
        master.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if format == "JPEG":
        if master.mode not in ("RGB", "L", "CMYK"):
            master = master.convert("RGB")
        options = {"quality": MASTER_JPEG_QUALITY, "optimize": True}
        if icc_profile:
            options["icc_profile"] = icc_profile
        master.save(buffer, "JPEG", **options)
    elif format == "WEBP" and max(master.size) <= WEBP_MAX_SIDE:
        master.save(buffer, "WEBP", quality=MASTER_JPEG_QUALITY, icc_profile=icc_profile or "")
    else:
        format = "PNG"
        if master.mode == "P" and "transparency" in master.info:
            master = master.convert("RGBA")
        master.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=f"{stem}{FORMAT_EXTENSIONS[format]}")
