"""The desk's admin site: its home page is a dashboard for the person logged in (articles.desk.dashboard)."""

from django.conf import settings
from django.contrib import admin


def manual_url(user) -> str:
    """The address of the built manual's chapter for this person's role (docs/admin/manual.md)."""
    # A plain address, not static(): the manual is built by bin/docs, and the manifest storage
    # would make every desk page fail where it has not been built yet.
    if user.is_superuser:
        chapter = "admin"
    elif user.has_perm("articles.approve_article"):
        chapter = "chief"
    elif user.has_perm("articles.review_article"):
        chapter = "editor"
    elif user.has_perm("articles.add_article"):
        chapter = "reporter"
    elif user.has_perm("contributors.pay_statement"):
        chapter = "finance"  # 财务 (articles.contributors)
    else:
        chapter = "index"
    return f"{settings.STATIC_URL}manual/manual/{chapter}.html"


class DeskSite(admin.AdminSite):
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        from articles.desk.dashboard import desk_dashboard

        return super().index(request, {**desk_dashboard(request.user), **(extra_context or {})})

    def each_context(self, request):
        context = super().each_context(request)
        if request.user.is_active and request.user.is_staff:
            # After the app list, which has already loaded the user's permissions: no query.
            context["manual_url"] = manual_url(request.user)
        return context
