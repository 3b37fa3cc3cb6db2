"""The desk's e-paper tools: a page's PDF rendered into its image, the hot-zone editor, and the
whole issue's print PDF split into its pages with a progress list.

issues/admin.py adds their URLs to IssueAdmin and PageAdmin, as it does the other desk screens. Every write goes through a service,
so a released or scheduled issue is refused here as everywhere.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import modelformset_factory
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from issues.epaper import issue_attach_print, page_image_from_pdf
from issues.models import HotZone, Issue, Page, Placement
from issues.pdf import open_pdf
from issues.services import hot_zone_delete, hot_zone_save, issue_check_open


class PageFilesForm(forms.ModelForm):
    """A page's files: a PDF uploaded without an image is rendered into the page image."""

    class Meta:
        model = Page
        fields = "__all__"

    def clean(self):
        cleaned_data = super().clean()
        pdf = cleaned_data.get("pdf")
        if pdf and "pdf" in self.changed_data and "image" not in self.changed_data:
            try:
                cleaned_data["image"] = page_image_from_pdf(open_pdf(pdf))
            except ValidationError as error:
                self.add_error("pdf", error)
        return cleaned_data


class HotZoneForm(forms.ModelForm):
    def __init__(self, *args, placements=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the stories on this page can have a zone on its image.
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = _story_label

    class Meta:
        model = HotZone
        fields = ["placement", "x", "y", "width", "height"]
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.0001", "min": "0", "max": "1", "class": "zone-input"})
            for name in ("x", "y", "width", "height")
        }


def page_zone_urls(model_admin) -> list:
    """/admin/issues/page/<id>/zones/, the hot-zone editor, behind the admin's login."""
    view = model_admin.admin_site.admin_view(lambda request, page_id: zones_view(model_admin, request, page_id))
    return [path("<int:page_id>/zones/", view, name="issues_page_zones")]


def zones_link(page: Page) -> str:
    """The page screen's way to the hot-zone editor, once the page has an image."""
    if not page.pk or not page.image:
        return _("Upload a page image or PDF first; then draw a zone for each story.")
    return format_html(
        '<a class="button" href="{}">{}</a>',
        reverse("admin:issues_page_zones", args=[page.pk]),
        _("Draw hot zones on the page image"),
    )


def zones_view(model_admin, request: HttpRequest, page_id: int) -> HttpResponse:
    """Draw a rectangle per story on the page image; numeric inputs do the same from the keyboard."""
    page = get_object_or_404(Page.objects.select_related("issue"), pk=page_id)
    if not model_admin.has_view_permission(request, page):
        raise PermissionDenied
    editable = model_admin.has_change_permission(request, page)
    placements = Placement.objects.filter(page=page).select_related("article", "photo")
    FormSet = modelformset_factory(HotZone, form=HotZoneForm, extra=0, can_delete=True)
    queryset = HotZone.objects.filter(placement__page=page).select_related("placement__article")
    formset = FormSet(
        request.POST or None, queryset=queryset, prefix="zones", form_kwargs={"placements": placements}
    )
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                formset.save(commit=False)
                for zone in formset.deleted_objects:
                    hot_zone_delete(zone=zone)
                for zone in [*formset.new_objects, *(zone for zone, _fields in formset.changed_objects)]:
                    hot_zone_save(zone=zone)
        except ValidationError as error:
            for text in error.messages:
                model_admin.message_user(request, text, messages.ERROR)
        else:
            model_admin.message_user(
                request, _("The hot zones of %(page)s are saved.") % {"page": page}, messages.SUCCESS
            )
            return redirect("admin:issues_page_zones", page_id=page.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Hot zones: %(page)s") % {"page": page},
        "opts": model_admin.model._meta,
        "original": page,
        "page": page,
        "formset": formset,
        "has_image": bool(page.image),
        "editable": editable,
        "image_url": page.image_rendition_set.src if page.image else "",
    }
    return HttpResponse(render_to_string("admin/issues/page/zones.html", context, request))


def _story_label(placement: Placement) -> str:
    if placement.article_id:
        return f"{placement.order}. {placement.article.headline}"
    return f"{placement.order}. {_('Photo news')}: {placement.photo.caption[:30]}"


class PrintPdfForm(forms.Form):
    pdf = forms.FileField(
        label=_("The issue's print PDF"),
        help_text=_("All pages in order, one PDF page per printed page. Pages the issue lacks are created."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        self.document = open_pdf(self.cleaned_data["pdf"])
        return self.cleaned_data["pdf"]


# Splits the rendered template around the progress list, which is streamed page by page.
PROGRESS_MARK = "<!--progress-->"


def issue_print_urls(model_admin) -> list:
    """/admin/issues/issue/<id>/print/, the print-PDF upload, behind the admin's login."""
    view = model_admin.admin_site.admin_view(lambda request, issue_id: print_view(model_admin, request, issue_id))
    return [path("<int:issue_id>/print/", view, name="issues_issue_print")]


def print_link(issue: Issue) -> str:
    """The issue screen's way to the print-PDF upload, once the issue is saved."""
    if not issue.pk:
        return _("Save the issue first; then upload its print PDF.")
    return format_html(
        '<a class="button" href="{}">{}</a>',
        reverse("admin:issues_issue_print", args=[issue.pk]),
        _("Upload the print PDF"),
    )


def print_view(model_admin, request: HttpRequest, issue_id: int) -> HttpResponse:
    """Upload the whole issue's PDF; its pages are split and rendered while the editor watches."""
    issue = get_object_or_404(Issue, pk=issue_id)
    if not (model_admin.has_view_permission(request, issue) and request.user.has_perm("issues.change_page")):
        raise PermissionDenied
    try:
        issue_check_open(issue)
    except ValidationError as error:
        # Refused before the upload is read: a released issue's pages change only by correction.
        for text in error.messages:
            model_admin.message_user(request, text, messages.ERROR)
        return redirect("admin:issues_issue_change", issue.pk)
    form = PrintPdfForm(request.POST or None, request.FILES or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Print PDF: %(issue)s") % {"issue": issue},
        "opts": model_admin.model._meta,
        "original": issue,
        "issue": issue,
        "form": form,
    }
    if not (request.method == "POST" and form.is_valid()):
        return HttpResponse(render_to_string("admin/issues/issue/print.html", context, request))
    document = form.document
    context["total"] = len(document)
    head, tail = render_to_string("admin/issues/issue/print_progress.html", context, request).split(
        PROGRESS_MARK
    )

    def stream():
        yield head
        # Browsers wait for a first kilobyte before painting; pad so the list shows as it grows.
        yield " " * 1024
        failed = 0
        for progress in issue_attach_print(issue=issue, document=document):
            failed += bool(progress.error)
            yield render_to_string("admin/issues/issue/print_step.html", {"step": progress}, request)
        yield render_to_string(
            "admin/issues/issue/print_done.html",
            {"issue": issue, "failed": failed, "total": len(document)},
            request,
        )
        yield tail
        document.close()

    response = StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")
    # Proxies such as nginx would hold the list back until the end without this.
    response["X-Accel-Buffering"] = "no"
    return response
