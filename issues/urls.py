from django.conf import settings
from django.urls import path, register_converter

from issues import views
from issues.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "issues"
urlpatterns = [
    # The home page, unless the news front is (NEWSROOM_NEWS_FRONT_HOME, articles/urls.py).
    path("today/" if settings.NEWSROOM["NEWS_FRONT_HOME"] else "", views.front_page, name="front"),
    path("archive/", views.archive, name="archive"),
    path("preview/<isodate:date>/<int:number>/", views.page_preview, name="page-preview"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive-month"),
    path("go/", views.date_jump, name="date-jump"),
    path("<isodate:date>/", views.issue_detail, name="issue-detail"),
    path("<isodate:date>/<int:number>/", views.page_detail, name="page-detail"),
]
