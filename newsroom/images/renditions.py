"""Resized copies of an uploaded image, made once when it is saved and kept beside it.

Each rendition is a JPEG and a WebP at one width (a thumbnail, the page width, twice that for
retina screens). Their names and sizes live in a JSON field on the image's own row, so showing
them costs no query and no file-system look-up.

A rendition is named after the image it was made from: `photos/3f2a….jpg` gives
`photos/renditions/3f2a….jpg-720.webp`. The checked media view (newsroom/media.py) so finds the
row that owns a rendition by its image's name, an indexed exact match, instead of searching every
row's JSON. The upload's own name is random (photo_upload_to), so the renditions of an unreleased
page or photo still cannot be found by guessing; a new upload gets a new name, so the renditions
of a replaced image never collide with the old ones.
"""

import io
import logging
import os
import posixpath
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

from newsroom.cache import invalidate
from newsroom.images.validators import WEBP_MAX_SIDE, image_master, is_new_upload

logger = logging.getLogger(__name__)

# Photos: a list thumbnail, the article column, and the column on a retina screen.
PHOTO_WIDTHS = {"thumb": 240, "page": 720, "retina": 1440}
# Page images: the 版面导航 thumbnail, the e-paper column on a phone (a 380 px slot at 1x and at
# 1.75x, Lighthouse's phone), the column on a computer, and that column on a retina screen.
# Without the phone sizes a phone downloaded the 1000 px page (254 KB) for a 380 px slot.
PAGE_WIDTHS = {"thumb": 200, "phone": 480, "phone_hd": 720, "page": 1000, "retina": 2000}

JPEG_QUALITY = 82
WEBP_QUALITY = 80
# libwebp's effort, 0..6: 2 is several times faster than the default 4 for a few per cent in size.
WEBP_METHOD = 2
# No rendition is longer than this on either side: WebP's own limit.
MAX_SIDE = WEBP_MAX_SIDE

# The file name extension of each format a rendition is written in, by its key in the JSON.
EXTENSIONS = {"jpeg": "jpg", "webp": "webp"}
RENDITION_NAME = re.compile(
    r"(?:(?P<folder>.+)/)?renditions/(?P<file>[^/]+)-(?P<width>[1-9][0-9]*)\.(?:jpg|webp)"
)


def rendition_name(original: str, width: int, extension: str) -> str:
    """`<the original's folder>/renditions/<the original's file name>-<width>.<extension>`."""
    folder, file = posixpath.split(original)
    return posixpath.join(folder, "renditions", f"{file}-{width}.{extension}")


def original_name(name: str) -> str | None:
    """The name of the image a rendition is named after; None if `name` is not a rendition's."""
    match = RENDITION_NAME.fullmatch(name)
    return posixpath.join(match["folder"] or "", match["file"]) if match else None


def make_renditions(image: FieldFile, *, widths: dict[str, int]) -> dict:
    """Write the renditions of a saved image and describe them for its JSON field; {} if they cannot be made.

    Nothing is left behind when it fails half-way: the files already written are removed.
    """
    try:
        image.open("rb")
        image.seek(0)
        with Image.open(image) as source:
            source = ImageOps.exif_transpose(source)
            if source.mode not in ("RGB", "L"):
                # JPEG has no alpha: flatten transparency onto white, as print does.
                flat = Image.new("RGB", source.size, "white")
                flat.paste(source, mask=source.convert("RGBA").split()[-1])
                source = flat
            source.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        logger.warning("Cannot make renditions of %s", image.name, exc_info=True)
        return {}
    finally:
        image.close()

    sizes = []
    made: set[int] = set()
    try:
        for label, wanted in sorted(widths.items(), key=lambda item: item[1]):
            # Never upscale: a small original gives fewer, smaller renditions. A very tall image
            # is narrowed until its height fits WebP (16,383 px at most on either side).
            width = min(wanted, source.width, max(1, source.width * MAX_SIDE // source.height))
            if width in made:
                continue
            made.add(width)
            height = min(MAX_SIDE, max(1, round(source.height * width / source.width)))
            resized = source.resize((width, height), Image.Resampling.LANCZOS)
            size = {"label": label, "width": width, "height": height}
            sizes.append(size)
            size["jpeg"] = _save(
                resized, rendition_name(image.name, width, EXTENSIONS["jpeg"]), "JPEG",
                quality=JPEG_QUALITY, optimize=True, progressive=True,
            )
            size["webp"] = _save(
                resized, rendition_name(image.name, width, EXTENSIONS["webp"]), "WEBP",
                quality=WEBP_QUALITY, method=WEBP_METHOD,
            )
    except (OSError, ValueError):
        logger.warning("Cannot make renditions of %s", image.name, exc_info=True)
        delete_renditions({"sizes": sizes})
        return {}
    return {"source": image.name, "width": source.width, "height": source.height, "sizes": sizes}


def renditions_before_save(instance, *, image_field: str, field: str, widths: dict[str, int], update_fields):
    """Keep ``instance``'s renditions (in the JSON ``field``) in step with its image; call from save().

    A new upload is kept as its master (newsroom.images.validators.image_master). The new image's
    renditions are written first; the old ones are removed only once the save has committed, so a
    published story never links to a file that is gone, and a failed save keeps the old ones.
    The names this save wrote are left on ``instance._image_files_written`` for a caller that
    must remove them when its transaction fails. Returns the update_fields to save with.
    """
    if update_fields is not None and image_field not in update_fields:
        return update_fields
    current = getattr(instance, image_field)
    uploading = bool(current) and is_new_upload(current)
    if uploading:
        setattr(instance, image_field, image_master(current))
    # Commit the upload first so the renditions are made from its final (random) name.
    image = instance._meta.get_field(image_field).pre_save(instance, instance._state.adding)
    written = [image.name] if uploading else []
    renditions = getattr(instance, field)
    replaced = {}
    if not image and renditions:
        replaced = renditions
        setattr(instance, field, {})
    elif image and renditions.get("source") != image.name:
        replaced = renditions
        made = make_renditions(image, widths=widths)
        written += rendition_files(made)
        setattr(instance, field, made)
    instance._image_files_written = written
    if replaced:
        transaction.on_commit(lambda: delete_renditions(replaced))
    return None if update_fields is None else {*update_fields, field}


def rendition_files(renditions: dict) -> list[str]:
    """The names of every rendition file described by a renditions JSON."""
    return [size[key] for size in renditions.get("sizes", []) for key in EXTENSIONS if size.get(key)]


def delete_renditions(renditions: dict) -> None:
    """Remove the files of renditions that are being replaced."""
    for name in rendition_files(renditions):
        default_storage.delete(name)


def discard_written_files(instance) -> None:
    """Remove the files a save of ``instance`` wrote (its new master and renditions): for a failed save."""
    for name in getattr(instance, "_image_files_written", []):
        default_storage.delete(name)
    instance._image_files_written = []


def _save(image: Image.Image, name: str, format: str, **options) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    # A file already there is a rendition of this very image (remade, or left by an interrupted
    # run): replace it, as the storage would otherwise pick a name no row can be traced from.
    default_storage.delete(name)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def named_after_source(renditions: dict) -> bool:
    """Whether every rendition's file is named after the image the renditions were made from."""
    source = renditions.get("source")
    return bool(source) and all(
        size[key] == rendition_name(source, size["width"], extension)
        for size in renditions.get("sizes", [])
        for key, extension in EXTENSIONS.items()
    )


def rename_renditions(model, field: str, *, batch: int = 500) -> int:
    """Give renditions made under random names the names derived from their image; how many rows.

    For renditions made before their names were derived (articles 0008, issues 0006 and
    makerenditions call it). A batch of rows is locked, its files linked (or copied, in an
    object store) to their new names and the rows saved, in one transaction; the page cache is
    dropped and only then are the old names removed, so readers and cached pages find every file
    under one name or the other. Rows whose renditions were made from another image than their
    current one are left alone (makerenditions remakes them).
    """
    renamed, last = 0, 0
    queryset = model.objects.exclude(**{field: {}}).order_by("pk")
    while True:
        changed, old_names = [], []
        with transaction.atomic():
            # Locked, so an editor replacing an image meanwhile waits instead of being overwritten.
            rows = list(queryset.select_for_update().filter(pk__gt=last)[:batch])
            if not rows:
                return renamed
            last = rows[-1].pk
            for row in rows:
                renditions = getattr(row, field)
                if renditions.get("source") != row.image.name or named_after_source(renditions):
                    continue
                for size in renditions["sizes"]:
                    for key, extension in EXTENSIONS.items():
                        new = rendition_name(row.image.name, size["width"], extension)
                        _link(size[key], new)
                        old_names.append(size[key])
                        size[key] = new
                changed.append(row)
            model.objects.bulk_update(changed, [field])
        if changed:
            invalidate()  # cached pages link to the old names
            for name in old_names:
                default_storage.delete(name)
            renamed += len(changed)


def _link(old: str, new: str) -> None:
    """Make the file `old` readable as `new` too; nothing if `old` is missing."""
    storage = default_storage
    if not storage.exists(old):
        # Linked by an earlier run already (whose row an editor then saved with the old names),
        # or lost before the upgrade.
        if not storage.exists(new):
            logger.warning("Rendition %s is missing; recorded as %s", old, new)
        return
    storage.delete(new)
    if isinstance(storage, FileSystemStorage):
        os.link(storage.path(old), storage.path(new))  # instant: no bytes are copied
    else:
        with storage.open(old, "rb") as file:
            storage.save(new, file)


@dataclass(frozen=True)
class Renditions:
    """What templates need to show an image: a fallback src and srcsets in JPEG and WebP."""

    data: dict
    fallback_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.data.get("sizes"))

    def _url(self, name: str) -> str:
        return default_storage.url(name)

    def _size(self, label: str) -> dict | None:
        sizes = self.data.get("sizes", [])
        for size in sizes:
            if size["label"] == label:
                return size
        # A small original has no larger renditions: the biggest one there is stands in.
        return sizes[-1] if sizes else None

    @property
    def src(self) -> str:
        size = self._size("page")
        return self._url(size["jpeg"]) if size else self.fallback_url

    @property
    def thumb_url(self) -> str:
        sizes = self.data.get("sizes", [])
        return self._url(sizes[0]["jpeg"]) if sizes else self.fallback_url

    @property
    def thumb_webp_url(self) -> str:
        sizes = self.data.get("sizes", [])
        return self._url(sizes[0]["webp"]) if sizes else ""

    @property
    def srcset(self) -> str:
        return ", ".join(f"{self._url(s['jpeg'])} {s['width']}w" for s in self.data.get("sizes", []))

    @property
    def webp_srcset(self) -> str:
        return ", ".join(f"{self._url(s['webp'])} {s['width']}w" for s in self.data.get("sizes", []))

    @property
    def width(self) -> int | None:
        return self.data.get("width")

    @property
    def height(self) -> int | None:
        return self.data.get("height")

    def height_at(self, width: int) -> int:
        """The image's height when it is shown ``width`` wide (0 when its size is unknown)."""
        if not (self.width and self.height):
            return 0
        return round(self.height / self.width * width)
