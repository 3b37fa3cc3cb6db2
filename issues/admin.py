"""The issues app on the desk: every save, delete and bulk delete here calls issues.services.

A released or scheduled issue is shown read-only (the services refuse it too); placements, jumps
and teasers are made on the assembly screen, so their own lists only lead there.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from issues.desk.assembly import assembly_urls
from issues.desk.epaper import PageFilesForm, issue_print_urls, page_zone_urls, print_link, zones_link
from issues.desk.import_page import page_import_urls
from issues.desk import page_plans  # noqa: F401  (registers the standing layouts' admin)
from issues.desk.people import editor_choices, editor_field
from issues.models import Issue, IssueQuerySet, Page, Placement, Teaser
from issues.services import (
    ISSUE_FIELDS,
    PAGE_FIELDS,
    issue_check_open,
    issue_create,
    issue_delete,
    issue_is_open,
    issue_numbers_for,
    issue_update,
    page_create,
    page_delete,
    page_update,
    proposed_issue_date,
)
from newsroom.people import person_name


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row a service saved (the admin goes on using it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state = saved._state


def _refused(model_admin, request, error: ValidationError) -> None:
    for text in error.messages:
        model_admin.message_user(request, text, messages.ERROR)


def _issue_open(request, issue: Issue) -> bool:
    """issue_is_open, asked once per issue and request: the admin asks every inline form's
    permissions (an issue of eight pages asked it forty times). Only for what a screen shows:
    every write is guarded again by its service."""
    known = request.__dict__.setdefault("_newsroom_issue_open", {})
    if issue.pk not in known:
        known[issue.pk] = issue_is_open(issue)
    return known[issue.pk]


class OpenIssueAdminMixin:
    """Changes and deletes only while the issue the object belongs to is open."""

    def issue_of(self, obj):
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # What stands on a page goes with it: page_delete and issue_delete decide, not the
        # read-only placement and teaser lists.
        perms_needed -= {Placement._meta.verbose_name, Teaser._meta.verbose_name}
        return deleted, counts, perms_needed, protected

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _issue_open(request, self.issue_of(obj)))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _issue_open(request, self.issue_of(obj)))


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = list(ISSUE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # Counted from the date when left empty, so a changed date never keeps stale numbers.
            for name in ("number", "total_number"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave empty to count on from the issues before this date.")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            issue_check_open(self.instance)
        elif cleaned_data.get("date"):
            number, total = issue_numbers_for(cleaned_data["date"])
            cleaned_data["number"] = cleaned_data.get("number") or number
            cleaned_data["total_number"] = cleaned_data.get("total_number") or total
            self.instance.number, self.instance.total_number = cleaned_data["number"], cleaned_data["total_number"]
        return cleaned_data


class PageInline(admin.TabularInline):
    model = Page
    form = PageFilesForm
    extra = 0
    fields = ["number", "name", "editor", "capacity_chars", "photo_area", "image", "pdf", "open_page"]
    readonly_fields = ["open_page"]
    ordering = ["number"]

    def get_queryset(self, request):
        # Each row shows its page (issue, label, name) and its editor.
        return super().get_queryset(request).select_related("issue", "editor")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "editor":
            kwargs["queryset"] = editor_choices()
            return editor_field(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _issue_open(request, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or _issue_open(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _issue_open(request, obj))

    @admin.display(description=_("stories"))
    def open_page(self, page: Page) -> str:
        if not page.pk:
            return "—"
        links = [(reverse("admin:issues_page_change", args=[page.pk]), _("Open the page"))]
        if page.image:
            links.append((reverse("admin:issues_page_zones", args=[page.pk]), _("hot zones")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


@admin.register(Issue)
class IssueAdmin(OpenIssueAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/issues/change_list_with_import.html"  # the "Import page text" button
    form = IssueForm
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

    def issue_of(self, obj: Issue) -> Issue:
        return obj

    def get_urls(self):
        return assembly_urls(self) + issue_print_urls(self) + super().get_urls()

    @admin.display(description=_("print PDF"))
    def print_link(self, issue: Issue) -> str:
        return print_link(issue)

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
        """Propose the next day from today that has no issue; its numbers follow from the date chosen."""
        return {"date": proposed_issue_date(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in ISSUE_FIELDS}
            _adopt(obj, issue_update(issue=obj, **fields) if fields else obj)
        else:
            _adopt(obj, issue_create(**{name: form.cleaned_data.get(name) for name in ISSUE_FIELDS}))

    def save_formset(self, request, form, formset, change):
        # The pages of the issue, through the same services as the page's own screen.
        formset.save(commit=False)
        for page in formset.deleted_objects:
            page_delete(page=page)
        for page in formset.new_objects:
            values = {name: getattr(page, name) for name in PAGE_FIELDS if name not in {"number", "name"}}
            page_create(issue=form.instance, number=page.number, name=page.name, **values)
        for page, changed in formset.changed_objects:
            page_update(page=page, **_changed_page_fields(page, changed))

    def delete_model(self, request, obj):
        issue_delete(issue=obj)

    def delete_queryset(self, request, queryset):
        for issue in queryset:
            try:
                issue_delete(issue=issue)
            except ValidationError as error:
                _refused(self, request, error)

    @admin.display(description=_("released"), boolean=True, ordering="release_at")
    def is_released(self, issue: Issue) -> bool:
        return bool(issue.released)

    @admin.display(description=_("pages"), ordering="page_total")
    def page_count(self, issue: Issue) -> int:
        return issue.page_total


def _changed_page_fields(page: Page, changed: list[str]) -> dict:
    # A PDF uploaded without an image brings the image rendered from it (PageFilesForm.clean).
    if "pdf" in changed:
        changed = [*changed, "image"]
    return {name: getattr(page, name) for name in PAGE_FIELDS if name in changed}


class PageAdminForm(PageFilesForm):
    def clean(self):
        cleaned_data = super().clean()
        issue = cleaned_data.get("issue") if self.instance.pk is None else self.instance.issue
        if issue is not None:
            try:
                issue_check_open(issue)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


@admin.register(Page)
class PageAdmin(OpenIssueAdminMixin, admin.ModelAdmin):
    change_list_template = "admin/issues/change_list_with_import.html"  # the "Import page text" button
    form = PageAdminForm
    list_display = ["__str__", "issue", "number", "name", "editor", "is_signed_off"]
    list_filter = [("issue__date", admin.DateFieldListFilter), "name", "editor"]
    list_select_related = ["issue", "editor"]
    search_fields = ["name", "issue__date"]
    autocomplete_fields = ["issue"]
    fields = [
        "issue", ("number", "name"), "editor", ("capacity_chars", "photo_area"), "slogans", ("image", "pdf"),
        "zones_link", "stories", "sign_off",
    ]
    readonly_fields = ["zones_link", "stories", "sign_off"]
    ordering = ["-issue__date", "number"]
    save_on_top = True

    def issue_of(self, obj: Page) -> Issue:
        return obj.issue

    def get_urls(self):
        return page_import_urls(self) + page_zone_urls(self) + super().get_urls()

    @admin.display(description=_("hot zones"))
    def zones_link(self, page: Page) -> str:
        return zones_link(page)

    def get_readonly_fields(self, request, obj=None):
        # A page stays in its issue; to move it, delete it here and add it there.
        return [*self.readonly_fields, "issue"] if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "editor":
            kwargs["queryset"] = editor_choices()
            return editor_field(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            page = page_update(page=obj, **_changed_page_fields(obj, form.changed_data))
        else:
            values = {name: getattr(obj, name) for name in PAGE_FIELDS if name not in {"number", "name"}}
            page = page_create(issue=obj.issue, number=obj.number, name=obj.name, **values)
        _adopt(obj, page)

    def delete_model(self, request, obj):
        page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset.select_related("issue"):
            try:
                page_delete(page=page)
            except ValidationError as error:
                _refused(self, request, error)

    @admin.display(description=_("signed off"), boolean=True)
    def is_signed_off(self, page: Page) -> bool:
        return page.signed_off_at is not None

    @admin.display(description=_("sign-off"))
    def sign_off(self, page: Page) -> str:
        if page.signed_off_at is None:
            return _("Not signed off. Saving a change to a signed-off page takes its sign-off back.")
        return _("Signed off by %(user)s. Saving a change here takes the sign-off back.") % {
            "user": person_name(page.signed_off_by)
        }

    @admin.display(description=_("stories on this page, in reading order"))
    def stories(self, page: Page) -> str:
        if not page.pk:
            return "—"
        placements = page.placements.select_related("article", "photo").order_by("order", "pk")
        rows = format_html_join(
            "", "<li>{}</li>", ((placement.article or placement.photo,) for placement in placements)
        )
        assembly = reverse("admin:issues_issue_assembly", args=[page.issue_id]) + f"#page-{page.number}"
        return format_html(
            '<ol class="page-stories">{}</ol><a class="button" href="{}">{}</a>',
            rows,
            assembly,
            _("Place stories, jumps and teasers on the assembly screen"),
        )


class AssemblyListAdmin(admin.ModelAdmin):
    """A read-only list: placements and teasers change on the assembly screen, through its services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("assembly"))
    def assembly_link(self, obj) -> str:
        page = obj.page
        url = reverse("admin:issues_issue_assembly", args=[page.issue_id]) + f"#page-{page.number}"
        return format_html('<a href="{}">{}</a>', url, _("Open on the assembly screen"))


@admin.register(Placement)
class PlacementAdmin(AssemblyListAdmin):
    list_display = ["__str__", "page", "order", "assembly_link"]
    list_select_related = ["page__issue", "article", "photo"]
    list_filter = [("page__issue__date", admin.DateFieldListFilter)]
    search_fields = ["article__headline", "photo__caption"]
    fields = ["page", "order", "article", "photo"]


@admin.register(Teaser)
class TeaserAdmin(AssemblyListAdmin):
    list_display = ["__str__", "page", "label", "assembly_link"]
    list_select_related = ["page__issue", "article"]
    search_fields = ["headline", "article__headline", "label"]
    fields = ["page", "article", "label", "headline", "order"]
