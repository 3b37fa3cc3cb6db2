"""The desk's admin site: its home page is a dashboard for the person logged in (articles.desk.dashboard)."""

from django.contrib import admin


class DeskSite(admin.AdminSite):
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        from articles.desk.dashboard import desk_dashboard

        return super().index(request, {**desk_dashboard(request.user), **(extra_context or {})})
