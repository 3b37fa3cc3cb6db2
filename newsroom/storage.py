"""Media files in a private S3-compatible bucket, and how a checked media view hands one out.

The bucket is never public and every object is written with a private ACL: an unreleased
page's image or PDF cannot be fetched from the object store by anyone who learns its key.
Pages link to files through the site's own MEDIA_URL, exactly as with files on disk, so the
links in cached HTML never expire; the checked media view decides whether the reader may see
the file and then redirects to a signed link that lives AWS_QUERYSTRING_EXPIRE seconds
(`media_response`). The object store is thus reached only through the app's check.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend with private objects, linked through the site's MEDIA_URL."""

    default_acl = "private"
    querystring_auth = True
    # Names are random (uuid) already; never let a second upload replace the first.
    file_overwrite = False

    def __init__(self, **options):
        super().__init__(**options)
        # Whatever the options say: objects stay private and links signed. A custom (CDN) domain
        # would make django-storages hand out unsigned public links, so it is dropped.
        self.default_acl = "private"
        self.querystring_auth = True
        self.custom_domain = None

    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        """The site's own link (MEDIA_URL + name), answered by the checked media view."""
        return f"/{settings.MEDIA_URL.strip('/')}/{quote(name)}"

    def signed_url(self, name: str, expire: int | None = None) -> str:
        """A link straight to the object store, valid for `expire` seconds (AWS_QUERYSTRING_EXPIRE)."""
        return super().url(name, expire=expire)


def media_response(name: str) -> HttpResponse:
    """Hand out a media file a checked view has decided the reader may see.

    S3: a redirect to a short-lived signed link. Files on disk: an X-Accel-Redirect to nginx's
    `internal` location when NEWSROOM_MEDIA_ACCEL_PREFIX is set, else Django streams the file.
    """
    storage = default_storage
    if isinstance(storage, PrivateS3Storage):
        response = HttpResponseRedirect(storage.signed_url(name))
        # The signed link expires: browsers and proxies must not keep the redirect longer.
        patch_cache_control(response, private=True, max_age=max(storage.querystring_expire // 2, 0))
        return response
    if not storage.exists(name):
        raise Http404("No such file.")
    if settings.NEWSROOM_MEDIA_ACCEL_PREFIX and isinstance(storage, FileSystemStorage):
        response = HttpResponse()
        response["X-Accel-Redirect"] = (
            settings.NEWSROOM_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
        )
        # nginx sets the type from the file's extension.
        del response["Content-Type"]
        return response
    return FileResponse(storage.open(name, "rb"))
