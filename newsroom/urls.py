from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from newsroom import sitemaps, views
from newsroom.api import api
from newsroom.media import serve_media

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Newsroom desk")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("language/<str:language>/", views.switch_language, name="switch-language"),
    path("api/v1/", api.urls),
    path("", include((sitemaps.urlpatterns, "sitemaps"))),
    path("", include("articles.urls")),
    # Every uploaded file passes the publication rule (newsroom/media.py), in production too.
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media"),
    path("", include("issues.urls")),
]

handler500 = "newsroom.middleware.server_error"
