from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def validate_image_upload(file) -> None:
    """Refuse, with a reason, images that are too big, not a photo format, broken or a decompression bomb."""
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
        with Image.open(file) as image:
            width, height = image.size
            if width * height > limits["MAX_IMAGE_PIXELS"]:
                raise ValidationError(
                    _("The image is %(width)s×%(height)s pixels, more than this site accepts."),
                    code="too_many_pixels",
                    params={"width": width, "height": height},
                )
            if image.format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not accepted; upload a JPEG, PNG, GIF or WebP."),
                    code="bad_format",
                    params={"format": image.format},
                )
            image.verify()
        # verify() misses truncated data; decoding the pixels does not.
        file.seek(0)
        with Image.open(file) as image:
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image is too large in pixels to be processed safely."), code="too_many_pixels"
        )
    except Exception:
        raise ValidationError(
            _("The file is not an image, or the image is damaged."), code="invalid_image"
        )
    finally:
        if position is not None:
            file.seek(position)
