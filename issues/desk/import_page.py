"""The admin's "Import page text" page: upload or paste a page's text, preview what it holds, fix, save."""

import base64
import binascii
import hashlib
import json
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from issues.importer import PageImport, describe_import, page_import, page_import_pdf
from issues.models import MAX_PAGES, Page
from issues.pagepdf import read_page_layout
from issues.pdf import open_pdf
from issues.pagetext import (
    MARK_KINDS,
    MAX_PAGE_TEXT_BYTES,
    PageTextError,
    check_page_text,
    read_page_bytes,
    too_large_error,
)

# A page PDF rides in the form between preview and save (base64): a page is a few MB at most.
MAX_FORM_PDF_BYTES = 30 * 1024 * 1024
PDF_TEXT_EDITED = _(
    "The PDF's text was edited in the box, so it was imported as text: no hot zones or page image "
    "were made from the PDF."
)
# Importing files articles and places them: both rights are needed, as for doing it by hand.
IMPORT_PERMISSIONS = ("issues.add_placement", "articles.add_article")
OPENING_WORDS = 30
CONVERTED = _("The file was in GBK/GB18030; it was converted to UTF-8.")
ZONES_DRAWN = _("%(count)s hot zones were drawn from the PDF, and its page image made.")
MARKS_CLEARED = _(
    "The text changed after your corrections, so they were cleared: check the preview and correct it again."
)
PAGE_KINDS = {
    "front": _("front page"),
    "news": _("news page"),
    "feature": _("feature page (专题)"),
    "photo": _("photo page (图片新闻)"),
    "briefs": _("briefs page (简讯)"),
    "commentary": _("page with a commentary"),
}


def text_digest(text: str) -> str:
    """Which text the editor's marks were made on: line numbers mean nothing in another text."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def read_marks(value: str, text: str) -> tuple[dict[int, str], bool]:
    """The marks carried in the form, and whether they were dropped because the text changed."""
    try:
        data = json.loads(value or "{}")
        marks = {int(line): kind for line, kind in data.get("marks", {}).items() if kind in MARK_KINDS}
    except (ValueError, TypeError, AttributeError):
        return {}, False
    if marks and data.get("digest") != text_digest(text):
        return {}, True
    return marks, False


def write_marks(marks: dict[int, str], text: str) -> str:
    return json.dumps({"digest": text_digest(text), "marks": {str(k): v for k, v in sorted(marks.items())}})


def apply_mark(marks: dict[int, str], clicked: str) -> dict[int, str]:
    """One button of the preview: "12:subhead" marks line 12, "12:auto" unmarks it, "clear" all."""
    if clicked == "clear":
        return {}
    line, _sep, kind = clicked.partition(":")
    try:
        number = int(line)
    except ValueError:
        return marks
    marks = dict(marks)
    if kind in MARK_KINDS:
        marks[number] = kind
    else:
        marks.pop(number, None)
    return marks


class PageTextForm(forms.Form):
    """A page's text, from a file or typed in, and which page of which issue it is."""

    file = forms.FileField(
        label=_("Text file"),
        required=False,
        help_text=_(
            "The page's text as the layout system exports it (plain text, UTF-8 or GBK), or the "
            "page's PDF with its text layer: its hot zones and page image are made too."
        ),
    )
    text = forms.CharField(
        label=_("Page text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "class": "vLargeTextField page-text"}),
        help_text=_("Or paste it here. After a preview, correct the text here and preview again."),
    )
    date = forms.DateField(label=_("publication date"), widget=AdminDateWidget)
    page = forms.IntegerField(label=_("page number"), min_value=1, max_value=MAX_PAGES)
    # The editor's corrections of the reading (merge, split, mark a line), kept until Save.
    marks = forms.CharField(required=False, widget=forms.HiddenInput)
    # The uploaded page PDF (base64), kept for Save: its zones and image are made from it.
    pdf = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("page name"),
        required=False,
        max_length=50,
        help_text=_("For example 要闻. Leave empty to keep the page's name."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        self.converted = False
        upload = cleaned.get("file")
        self.pdf = b""
        if upload and upload.read(5) == b"%PDF-":
            upload.seek(0)
            return self._clean_pdf(upload.read(), cleaned)
        if upload:
            upload.seek(0)
        if not upload and cleaned.get("pdf"):
            try:
                self.pdf = base64.b64decode(cleaned["pdf"], validate=True)
            except (binascii.Error, ValueError):
                self.pdf = b""
        if upload:
            if upload.size > MAX_PAGE_TEXT_BYTES:
                # Refused before reading: the limit is there so nothing huge is held in memory.
                self.add_error("file", too_large_error(upload.size).message)
                return cleaned
            try:
                decoded = read_page_bytes(upload.read())
            except PageTextError as error:
                self.add_error("file", error.message)
                return cleaned
            cleaned["text"], self.converted = decoded.text, decoded.converted
            return cleaned
        try:
            cleaned["text"] = check_page_text(cleaned.get("text") or "")
        except PageTextError as error:
            if error.code == "empty":
                self.add_error("text", _("Upload a text file or paste the page's text."))
            else:
                self.add_error("text", error.message)
        return cleaned


    def _clean_pdf(self, data: bytes, cleaned: dict) -> dict:
        """A page PDF: its text layer becomes the text to preview; one without text is refused."""
        if len(data) > MAX_FORM_PDF_BYTES:
            self.add_error("file", too_large_error(len(data)).message)
            return cleaned
        try:
            layout = read_page_layout(open_pdf(ContentFile(data, name="page.pdf")))
        except ValidationError as error:
            self.add_error("file", error)
            return cleaned
        if not layout.has_text:
            self.add_error("file", NO_TEXT_LAYER_HERE)
            return cleaned
        self.pdf = data
        cleaned["text"] = layout.text
        return cleaned


NO_TEXT_LAYER_HERE = _(
    "This PDF has no text layer (its fonts were turned into outlines, or it is a scan), so its "
    "text cannot be read. Export the page's text, or the PDF with fonts kept; to use it for the "
    "page image, upload it as the page's PDF on the page."
)


def pdf_matches(pdf: bytes, text: str) -> bool:
    """The text in the box is still the PDF's own: its zones can be drawn from the PDF."""
    layout = read_page_layout(open_pdf(ContentFile(pdf, name="page.pdf")))
    # The box may trim blank lines at either end; the lines in between are what counts.
    return layout.has_text and text_digest(layout.text.strip()) == text_digest(text.strip())


def page_import_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Preview a page's text as the stories it would make (nothing saved), or save it and open the page."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    preview: PageImport | None = None
    converted = marks_cleared = False
    zones = 0
    marks: dict[int, str] = {}
    if request.method == "POST":
        form = PageTextForm(request.POST, request.FILES)
        if form.is_valid():
            converted = form.converted
            data = form.cleaned_data
            marks, marks_cleared = read_marks(data["marks"], data["text"])
            clicked = request.POST.get("mark")
            if clicked:
                marks = apply_mark(marks, clicked)
            # A correction, or corrections lost to a changed text, is shown again before saving.
            saving = "_save" in request.POST and not clicked and not marks_cleared
            pdf = form.pdf
            zones = 0
            try:
                if pdf and not pdf_matches(pdf, data["text"]):
                    messages.info(request, PDF_TEXT_EDITED)
                    pdf = b""
                if pdf:
                    outcome = page_import_pdf(
                        pdf=pdf,
                        date=data["date"],
                        page_number=data["page"],
                        page_name=data["name"],
                        user=request.user,
                        dry_run=not saving,
                        marks=marks,
                    )
                    result, zones = outcome.result, len(outcome.zones)
                else:
                    result = page_import(
                        text=data["text"],
                        date=data["date"],
                        page_number=data["page"],
                        page_name=data["name"],
                        user=request.user,
                        dry_run=not saving,
                        marks=marks,
                    )
            except (PageTextError, ValidationError) as error:
                form.add_error(None, getattr(error, "message", None) or " ".join(error.messages))
            except IntegrityError:
                # Two editors importing into the same new issue at once: the later one retries.
                form.add_error(
                    None, _("Someone else changed this issue at the same moment; try again.")
                )
            else:
                if saving:
                    messages.success(request, describe_import(result))
                    if pdf:
                        messages.info(request, ZONES_DRAWN % {"count": zones})
                    if converted:
                        messages.info(request, CONVERTED)
                    return redirect("admin:issues_page_change", result.page.pk)
                preview = result
                # The textarea now holds the text, an uploaded file's too, for the editor to correct.
                bound = request.POST.copy()
                bound["text"] = data["text"]
                bound["marks"] = write_marks(marks, data["text"])
                bound["pdf"] = base64.b64encode(pdf).decode("ascii") if pdf else ""
                form = PageTextForm(bound)
    else:
        form = PageTextForm(
            initial={
                key: request.GET[key] for key in ("date", "page", "name") if key in request.GET
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Page._meta,
        "title": _("Import page text"),
        "form": form,
        "media": model_admin.media + form.media,
        "preview": preview,
        "converted": converted,
        "opening_words": OPENING_WORDS,
        "marks": marks,
        "marks_cleared": MARKS_CLEARED if marks_cleared else "",
        "page_kind": PAGE_KINDS.get(preview.kind, "") if preview else "",
        "zones": zones if preview else 0,
    }
    return TemplateResponse(request, "admin/issues/page/import.html", context)


def page_import_urls(model_admin: ModelAdmin) -> list[URLPattern]:
    """The import page's URL, behind the admin's login: admin:issues_page_import."""
    view = model_admin.admin_site.admin_view(partial(page_import_view, model_admin))
    return [path("import/", view, name="issues_page_import")]
