import logging
import sys

from csp.constants import UNSAFE_INLINE
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.gzip import GZipMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.defaults import server_error as default_server_error
from js_asset import Media

logger = logging.getLogger(__name__)


def reader_language(request) -> str:
    """The language the reader chose with the switch (a cookie), else the site's."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    # Only the site's LANGUAGES: check_for_language() alone accepts any language Django itself
    # is translated into (de, fr), which switched the site to it and split the page cache's keys.
    if language in dict(settings.LANGUAGES) and translation.check_for_language(language):
        return language
    return settings.LANGUAGE_CODE


# What gains from compression: markup and text. Page images, photos and PDFs are compressed
# already, and gzipping a streamed JPEG costs CPU for nothing.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
    "application/javascript",
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for text responses only.

    It stands outside the public page cache, so stored pages are kept uncompressed once
    and every client gets them as it asked (Accept-Encoding, then Vary), and inside
    WhiteNoise, which serves its own precompressed static files.
    """

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


class LanguageMiddleware:
    """Chinese for everyone unless they chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a reader in
    Jintan with an English-language phone would get an English paper they never asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(reader_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


# Everything the site answers: pages, the API and feeds are read (GET, HEAD), the desk posts forms.
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS", "POST")


class AllowedMethodsMiddleware:
    """405 for any other method: TRACE answered 200 with a public page, as did made-up methods.

    Function views answer every method unless decorated, so the rule stands here once rather
    than on each view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


# Seconds a reader's browser is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """A friendly 503 page, not a 500, while the database is down or restarting.

    Nothing is kept from the failed attempt: Django closes a connection that errored at the
    end of the request (and CONN_HEALTH_CHECKS tests a kept one before reuse), so the next
    request connects afresh and the site recovers by itself once the database answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _is_database_down(exception):
            return None
        # Logged as an error with its traceback: SQLite also reports a missing table this way,
        # and that is a bug to fix, not an outage to wait out.
        logger.error("Database unavailable for %s", request.path, exc_info=exception)
        return render_503(request)


def _is_database_down(exception: BaseException | None) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def server_error(request):
    """handler500: a database outage met outside a view (in a middleware) is still a 503."""
    if _is_database_down(sys.exc_info()[1]):
        return render_503(request)
    return default_server_error(request)


def render_503(request):
    """The "back in a moment" page, rendered without touching the database."""
    try:
        content = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    except Exception:  # the page must come out even if a template tag needed the database
        content = "<!doctype html><title>503</title><p>Service temporarily unavailable.</p>"
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DeskContentSecurityMiddleware:
    """The admin under the site's Content Security Policy, whatever screens are added to it.

    Scripts stay 'self'-only: the one inline script, the rich-text editor's import map, gets
    the request's nonce wherever a desk screen renders form media. Inline styles are allowed
    on the desk alone: Tiptap injects its stylesheet, and a few admin widgets size themselves
    with style attributes; readers' pages keep style-src 'self'. Sits after CSPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._on_desk(request):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if media is not None and self._on_desk(request):
            response.context_data["media"] = Media.from_media(media, nonce=request.csp_nonce)
        return response

    @staticmethod
    def _on_desk(request) -> bool:
        return request.path.startswith(DESK_PREFIX)


# The admin's URL prefix (newsroom/urls.py mounts the admin at /admin/).
DESK_PREFIX = "/admin/"
