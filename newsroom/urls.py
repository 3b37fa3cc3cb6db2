from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from newsroom import sitemaps, views
from newsroom.api import api

admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Newsroom desk")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("language/<str:language>/", views.switch_language, name="switch-language"),
    path("api/v1/", api.urls),
    path("", include((sitemaps.urlpatterns, "sitemaps"))),
    path("", include("articles.urls")),
    path("", include("issues.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
