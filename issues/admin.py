import datetime

from django.contrib import admin
from django.db.models import BooleanField, Count, ExpressionWrapper, Max
from django.utils import timezone
from django.urls import reverse
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext_lazy as _

from issues.admin_import import page_import_urls
from issues.epaper_admin import IssuePrintAdminMixin, PageForm, PageZonesAdminMixin
from issues.models import Issue, IssueQuerySet, Jump, Page, Placement, Teaser
from issues.services import jump_place_continuation

# Papers go to readers early in the morning of their publication date.
DEFAULT_RELEASE_TIME = datetime.time(6, 0)


class PageInline(admin.TabularInline):
    model = Page
    form = PageForm
    extra = 0
    fields = ["number", "name", "editor", "image", "pdf", "open_page"]
    readonly_fields = ["open_page"]
    autocomplete_fields = ["editor"]
    ordering = ["number"]

    @admin.display(description=_("stories"))
    def open_page(self, page: Page) -> str:
        if not page.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:issues_page_change", args=[page.pk]), _("Place stories")
        ) + (
            format_html(
                ' · <a href="{}">{}</a>', reverse("admin:issues_page_zones", args=[page.pk]), _("hot zones")
            )
            if page.image
            else ""
        )


@admin.register(Issue)
class IssueAdmin(IssuePrintAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/issues/change_list_with_import.html"  # the "Import page text" button
    inlines = [PageInline]
    list_display = [
        "__str__", "date", "number", "total_number", "release_at", "is_released", "page_count", "assemble"
    ]
    # Only the release on the assembly screen sets these: it checks the pages first.
    readonly_fields = ["release_at", "released_by", "print_link"]
    list_filter = [("date", admin.DateFieldListFilter)]
    date_hierarchy = "date"
    search_fields = ["date", "number", "total_number"]
    save_on_top = True

    def get_urls(self):
        from issues.admin_assembly import assembly_urls

        return assembly_urls(self) + super().get_urls()

    @admin.display(description=_("assembly"))
    def assemble(self, issue: Issue) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:issues_issue_assembly", args=[issue.pk]), _("Assemble")
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("released_by")
            .annotate(
                released=ExpressionWrapper(IssueQuerySet.released_q(), output_field=BooleanField()),
                page_total=Count("pages"),
            )
        )

    def get_changeform_initial_data(self, request):
        """Propose the next issue: the day after the latest, numbers one up."""
        latest = Issue.objects.aggregate(
            date=Max("date"), number=Max("number"), total=Max("total_number")
        )
        date = (latest["date"] + datetime.timedelta(days=1)) if latest["date"] else timezone.localdate()
        # The release time is proposed (06:00) where it is set: on the assembly screen, after sign-off.
        return {
            "date": date,
            "number": (latest["number"] or 0) + 1,
            "total_number": (latest["total"] or 0) + 1,
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description=_("released"), boolean=True, ordering="release_at")
    def is_released(self, issue: Issue) -> bool:
        return bool(issue.released)

    @admin.display(description=_("pages"), ordering="page_total")
    def page_count(self, issue: Issue) -> int:
        return issue.page_total


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 1
    fields = ["order", "article", "photo", "jump_line"]
    readonly_fields = ["jump_line"]
    autocomplete_fields = ["article", "photo"]
    show_change_link = True
    verbose_name = _("story on this page")
    verbose_name_plural = _("stories on this page, in reading order")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "photo", "jump__to_page")

    @admin.display(description=_("jump"))
    def jump_line(self, placement: Placement) -> str:
        jump = getattr(placement, "jump", None)
        if jump is None:
            return _("none (open the story to set one)") if placement.pk else "—"
        return _("after paragraph %(paragraph)s → %(page)s") % {
            "paragraph": jump.after_paragraph,
            "page": jump.to_page.label,
        }


class TeaserInline(admin.TabularInline):
    model = Teaser
    extra = 0
    fields = ["order", "label", "article", "headline"]
    autocomplete_fields = ["article"]


@admin.register(Page)
class PageAdmin(PageZonesAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/issues/change_list_with_import.html"  # the "Import page text" button
    form = PageForm
    inlines = [PlacementInline, TeaserInline]
    list_display = ["__str__", "issue", "number", "name", "editor"]
    list_filter = [("issue__date", admin.DateFieldListFilter), "name", "editor"]
    list_select_related = ["issue", "editor"]
    search_fields = ["name", "issue__date"]
    autocomplete_fields = ["issue", "editor"]
    fields = ["issue", ("number", "name"), "editor", "slogans", ("image", "pdf"), "zones_link"]
    readonly_fields = ["zones_link"]
    ordering = ["-issue__date", "number"]
    save_on_top = True

    def get_urls(self):
        return page_import_urls(self) + super().get_urls()


class JumpInline(admin.StackedInline):
    model = Jump
    extra = 0
    max_num = 1
    fields = ["after_paragraph", "to_page"]
    verbose_name = _("jump (转版)")
    verbose_name_plural = _("jump (转版)")

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_placement = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        placement = getattr(self, "parent_placement", None)
        if db_field.name == "to_page" and placement is not None:
            # Only later pages of the same issue can carry the continuation.
            kwargs["queryset"] = Page.objects.filter(
                issue=placement.page.issue_id, number__gt=placement.page.number
            ).select_related("issue")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    inlines = [JumpInline]
    list_display = ["__str__", "page", "order"]
    list_select_related = ["page__issue", "article", "photo"]
    list_filter = [("page__issue__date", admin.DateFieldListFilter)]
    search_fields = ["article__headline", "photo__caption"]
    autocomplete_fields = ["page", "article", "photo"]
    fields = ["page", "order", "article", "photo", "paragraph_guide"]
    readonly_fields = ["paragraph_guide"]

    @admin.display(description=_("paragraphs"))
    def paragraph_guide(self, placement: Placement) -> str:
        """Numbered opening words of each paragraph, so the editor can choose where to break."""
        if placement.article_id is None:
            return "—"
        return format_html_join(
            "",
            "<div>{}. {}</div>",
            (
                (index, strip_tags(paragraph)[:40])
                for index, paragraph in enumerate(placement.article.paragraphs, start=1)
            ),
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for jump in Jump.objects.filter(placement=form.instance).select_related("to_page", "placement__article"):
            jump_place_continuation(jump=jump)


@admin.register(Teaser)
class TeaserAdmin(admin.ModelAdmin):
    list_display = ["__str__", "page", "label"]
    list_select_related = ["page__issue", "article"]
    autocomplete_fields = ["page", "article"]
    search_fields = ["headline", "article__headline", "label"]

