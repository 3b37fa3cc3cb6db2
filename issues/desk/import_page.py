"""The admin's "Import page text" page: upload or paste a page's text, preview what it holds, fix, save."""

import hashlib
import json
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from issues.importer import PageImport, describe_import, page_import
from issues.models import MAX_PAGES, Page
from issues.pagetext import (
    MARK_KINDS,
    MAX_PAGE_TEXT_BYTES,
    PageTextError,
    check_page_text,
    read_page_bytes,
    too_large_error,
)

# Importing files articles and places them: both rights are needed, as for doing it by hand.
IMPORT_PERMISSIONS = ("issues.add_placement", "articles.add_article")
OPENING_WORDS = 30
CONVERTED = _("The file was in GBK/GB18030; it was converted to UTF-8.")
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
        help_text=_("The page's text as the layout system exports it (plain text, UTF-8 or GBK)."),
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


def page_import_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Preview a page's text as the stories it would make (nothing saved), or save it and open the page."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    preview: PageImport | None = None
    converted = marks_cleared = False
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
            try:
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
                    if converted:
                        messages.info(request, CONVERTED)
                    return redirect("admin:issues_page_change", result.page.pk)
                preview = result
                # The textarea now holds the text, an uploaded file's too, for the editor to correct.
                bound = request.POST.copy()
                bound["text"] = data["text"]
                bound["marks"] = write_marks(marks, data["text"])
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
    }
    return TemplateResponse(request, "admin/issues/page/import.html", context)


def page_import_urls(model_admin: ModelAdmin) -> list[URLPattern]:
    """The import page's URL, behind the admin's login: admin:issues_page_import."""
    view = model_admin.admin_site.admin_view(partial(page_import_view, model_admin))
    return [path("import/", view, name="issues_page_import")]
