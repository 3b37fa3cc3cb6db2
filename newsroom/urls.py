from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from newsroom import sitemaps, views
from newsroom.api import api
from newsroom.cache import cache_public_urls
from newsroom.media import serve_media

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Newsroom desk")



def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and crawlers ask for /favicon.ico whatever the page links; the static file has a hashed name."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("language/<str:language>/", views.switch_language, name="switch-language"),
    path("api/v1/", (cache_public_urls(api.urls[0]), *api.urls[1:])),
    path("", include((cache_public_urls(sitemaps.urlpatterns), "sitemaps"))),
    path("", include("articles.urls")),
    path("", include("articles.contributors.urls")),
    # 选题/派题: each person's calendar feed, behind their own secret token (articles/planning/ical.py).
    path("", include("articles.planning.ical")),
    # Every uploaded file passes the publication rule (newsroom/media.py), in production too.
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media"),
    path("", include("issues.urls")),
]

handler500 = "newsroom.middleware.server_error"

if settings.NEWSROOM["BENCH_FLOOR"]:
    # bench/run's framework floor: the whole middleware stack and nothing else. Off by default.
    urlpatterns.insert(0, path("bench/floor/", lambda request: HttpResponse("floor"), name="bench-floor"))
