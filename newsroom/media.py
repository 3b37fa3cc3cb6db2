"""Uploaded files, served only when the publication rule lets readers see their owner.

Photos and page files of unreleased issues and unapproved stories live in the same MEDIA_ROOT
as published ones. Random file names alone would keep them from guessers, but not from anyone
who saw a URL early (a leaked preview, a proxy log, a page editor's screenshot). So every
/media/ URL goes through this view: it finds the row that owns the file, checks the rule, and
only then hands the file over (to nginx with X-Accel-Redirect in production). A file no row
owns is a 404, even when it exists on disk.

Readers load many images per page, so this look-up is the hottest query on the site: it is one
exact match on an indexed file field. A rendition is named after the image it was made from
(newsroom.images.renditions.rendition_name), so its owner is found by that image's name too.
"""

import posixpath
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control

from newsroom.images.renditions import original_name
from newsroom.storage import media_response


@dataclass(frozen=True)
class MediaOwner:
    """A model whose rows own uploaded files, and its queryset method of what readers may see.

    Its uploads go under `folder` (its upload_to says so). `files` are its file fields, each with
    an index (Meta.indexes): a requested name is looked up in them with an exact match.
    `renditions_of` is the file field whose image the row's renditions are made from: a rendition's
    name leads back to that image's name, looked up in that field.
    """

    model: str
    folder: str
    files: tuple[str, ...]
    public: str
    renditions_of: str | None = None


# A new kind of upload or derived file joins with one line here (tests/test_media.py checks that
# every file field of the project is listed, under its upload folder, and indexed). The leak
# sweep (tests/test_leak_sweep.py) requests every file written for hidden content, whatever owns it.
MEDIA_OWNERS: list[MediaOwner] = [
    MediaOwner("articles.Photo", "photos", ("image",), "published", renditions_of="image"),
    MediaOwner("issues.Page", "pages", ("image", "pdf"), "released", renditions_of="image"),
    # A page's image and PDF as printed, kept after a story on it was withdrawn (issues/redaction.py):
    # the desk's, never readers' (the empty queryset: no row is public).
    MediaOwner("issues.Page", "pages", ("printed_image", "withheld_pdf"), "none"),
]

# Readers' browsers and proxies may keep a published file this long, then must ask again: a
# withdrawn story's photos (whose addresses stay) are gone from caches five minutes after 撤稿.
# Redacted page images change address anyway (issues/redaction.py).
PUBLIC_MAX_AGE = 5 * 60


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """One uploaded file, if its owner is published (or the user is staff who may view it)."""
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith(".") or "\\" in name or "\x00" in name:
        raise Http404("Not a media path.")
    public = _visibility(request, name)
    if public is None:
        raise Http404("No such file.")
    response = media_response(name)
    if response.status_code in (301, 302):
        pass  # a signed link to the object store: it expires, so it keeps its own short lifetime
    elif public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE, must_revalidate=True)
    else:
        # Staff previewing unpublished files: never kept by a shared cache.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


def _visibility(request: HttpRequest, name: str) -> bool | None:
    """True if readers may see the file, False if only this staff user may, None if neither."""
    original = original_name(name)
    for owner in MEDIA_OWNERS:
        if not name.startswith(f"{owner.folder}/"):
            continue
        if original is None:
            owns = Q()
            for field in owner.files:
                owns |= Q(**{field: name})
        elif owner.renditions_of:
            owns = Q(**{owner.renditions_of: original})
        else:
            continue
        model = apps.get_model(owner.model)
        if getattr(model.objects, owner.public)().filter(owns).exists():
            return True
        opts = model._meta
        if (
            request.user.is_authenticated
            and request.user.is_staff
            and request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            and model.objects.filter(owns).exists()
        ):
            return False
    return None
