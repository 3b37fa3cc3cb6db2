"""The paper's word lists in the admin: lists, their terms, import and export (through the services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.proofing.models import LIST_CATEGORIES, Term, TermList
from articles.proofing.services import term_delete, term_list_save, term_save, terms_export, terms_import

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV (term, category, replacement, note, blocks) or one term a line; UTF-8 or GBK."),
    )
    category = forms.ChoiceField(
        label=_("category"),
        choices=[(c.value, c.label) for c in LIST_CATEGORIES],
        help_text=_("For lines that name no category."),
    )


@admin.register(TermList)
class TermListAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "order", "term_count", "version", "updated_at", "tools"]
    readonly_fields = ["version", "updated_at"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(term_total=Count("terms"))

    @admin.display(description=_("terms"))
    def term_count(self, term_list: TermList) -> int:
        return term_list.term_total

    @admin.display(description=_("import / export"))
    def tools(self, term_list: TermList) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:proofing_termlist_import", args=[term_list.pk]),
            _("Import"),
            reverse("admin:proofing_termlist_export", args=[term_list.pk]),
            _("Export CSV"),
        )

    def save_model(self, request, obj, form, change):
        term_list_save(term_list=obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/import/", wrap(self.import_view), name="proofing_termlist_import"),
            path("<int:pk>/export/", wrap(self.export_view), name="proofing_termlist_export"),
        ] + super().get_urls()

    def import_view(self, request, pk: int):
        term_list = get_object_or_404(TermList, pk=pk)
        if not self.has_change_permission(request, term_list):
            return HttpResponse(status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                try:
                    report = terms_import(
                        term_list=term_list, data=upload.read(), category=form.cleaned_data["category"]
                    )
                except ValidationError as error:
                    form.add_error("file", error.messages)
                else:
                    for line in report.messages():
                        self.message_user(request, line, messages.INFO)
                    return HttpResponseRedirect(reverse("admin:proofing_termlist_changelist"))
        return TemplateResponse(
            request,
            "admin/proofing/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": term_list,
                "title": _("Import terms into {name}").format(name=term_list.name),
                "form": form,
            },
        )

    def export_view(self, request, pk: int):
        term_list = get_object_or_404(TermList, pk=pk)
        if not self.has_view_permission(request, term_list):
            return HttpResponse(status=403)
        response = HttpResponse(terms_export(term_list=term_list), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="wordlist-{term_list.pk}.csv"'
        return response


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["text", "category", "replacement", "blocking", "term_list"]
    list_filter = ["category", "blocking", "term_list"]
    search_fields = ["text", "replacement", "note"]
    list_select_related = ["term_list"]
    list_per_page = 100
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        term_save(term=obj)

    def delete_model(self, request, obj):
        term_delete(terms=[obj])

    def delete_queryset(self, request, queryset):
        term_delete(terms=list(queryset))
