"""校对 on the story's change page: the panel of hits, waiving one, and checking the text being typed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.proofing.engine import Found, checker, proofread
from articles.proofing.models import ArticleCheck, Category, Hit
from articles.proofing.services import (
    ERROR_RATE_LIMIT,
    error_rate,
    field_label,
    hit_waive,
    proofing_check,
    texts_characters,
)
from articles.proofing.text import html_text, plain_text
from articles.workflow import waive_refusal

# The panel lists this many hits; the rest are counted (a 100,000-character paste can have thousands).
PANEL_LIMIT = 300


def proofing_urls(model_admin) -> list:
    site = model_admin.admin_site

    def wrap(view):
        return site.admin_view(lambda request, object_id: view(model_admin, request, object_id))

    return [
        path("<path:object_id>/proofing/waive/", wrap(waive_view), name="articles_article_proofing_waive"),
        path("<path:object_id>/proofing/check/", wrap(check_view), name="articles_article_proofing_check"),
    ]


def _hit_row(hit: Hit | Found, waiver=None) -> dict:
    return {
        "id": getattr(hit, "pk", None),
        "field": hit.field,
        "where": field_label(hit.field),
        "start": hit.start,
        "end": hit.end,
        "matched": hit.matched,
        "before": hit.before,
        "after": hit.after,
        "category": hit.category,
        "category_label": str(Category(hit.category).label),
        "suggestion": hit.suggestion,
        "note": hit.note,
        "blocking": hit.blocking,
        "waived": waiver is not None,
        "waiver": waiver,
    }


def proofing_context(request: HttpRequest, article: Article) -> dict:
    """The panel: every stored hit of the story, open ones first, and its error rate.

    A story last checked against older lists (a term added or changed since) is checked again first.
    """
    check = ArticleCheck.objects.filter(article=article).first()
    if check is None or check.lists != checker().key:
        proofing_check(article=article)
        check = ArticleCheck.objects.filter(article=article).first()
    hits = list(
        Hit.objects.filter(article=article).select_related("waiver__waived_by").order_by("waiver_id", "-blocking", "pk")
    )
    characters = check.characters if check else 0
    open_hits = [hit for hit in hits if hit.waiver_id is None]
    rows = [_hit_row(hit, hit.waiver) for hit in hits[:PANEL_LIMIT]]
    return {
        "proofing": {
            "hits": rows,
            "hidden": max(0, len(hits) - PANEL_LIMIT),
            "open": len(open_hits),
            "blocking": sum(1 for hit in open_hits if hit.blocking),
            "characters": characters,
            "rate": error_rate(len(open_hits), characters),
            "limit": ERROR_RATE_LIMIT,
            "over_limit": error_rate(len(open_hits), characters) > ERROR_RATE_LIMIT,
            "may_waive": waive_refusal(request.user, article) is None,
            "waive_url": reverse("admin:articles_article_proofing_waive", args=[article.pk]),
            "check_url": reverse("admin:articles_article_proofing_check", args=[article.pk]),
            # For the editor's script: where each open hit is, to mark it in the text.
            "marks": [
                {k: row[k] for k in ("id", "field", "start", "end", "matched", "blocking", "suggestion", "waived")}
                for row in rows
            ],
        }
    }


class WaiveForm(forms.Form):
    hit = forms.IntegerField()
    reason = forms.CharField(max_length=1000, required=False)


def _article(model_admin, request: HttpRequest, object_id: str) -> Article:
    article = model_admin.get_object(request, object_id)
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404(_("No such article."))
    return article


def waive_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Waive one hit with a reason (every occurrence of the same text by the same entry or rule)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk]) + "#proofing"
    form = WaiveForm(request.POST)
    hit = Hit.objects.filter(article=article, pk=form.data.get("hit") if form.is_valid() else None).first()
    if hit is None:
        messages.error(request, _("That hit is gone: the story was checked again since. Look at the list again."))
        return HttpResponseRedirect(change_url)
    try:
        hit_waive(hit=hit, user=request.user, reason=form.cleaned_data["reason"])
    except PermissionDenied as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(change_url)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(change_url)
    messages.success(
        request, _("“{matched}” is waived; the reason is in the story's review log.").format(matched=hit.matched)
    )
    return HttpResponseRedirect(change_url)


def check_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Check the text as it stands in the form, unsaved (the panel's “check now”): hits as JSON."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    texts = {name: plain_text(request.POST.get(name, "")) for name in ("kicker", "headline", "subheadline")}
    texts["body"] = html_text(request.POST.get("body", ""))
    found = proofread(texts)
    waived = {(w.term_id, w.rule, w.matched): w for w in article.proofing_waivers.all()}
    rows = []
    for item in found:
        row = _hit_row(item, waived.get(item.key))
        row["waiver"] = None
        rows.append(row)
    characters = texts_characters(texts)
    open_count = sum(1 for row in rows if not row["waived"])
    return JsonResponse(
        {
            "hits": rows[:PANEL_LIMIT],
            "open": open_count,
            "blocking": sum(1 for row in rows if row["blocking"] and not row["waived"]),
            "characters": characters,
            "rate": error_rate(open_count, characters),
        }
    )


class ProofingFilter(admin.SimpleListFilter):
    """The article list's filter: stories with open hits, or with blocking ones (what holds 终审)."""

    title = _("proofreading")
    parameter_name = "proofing"

    def lookups(self, request, model_admin):
        return [("blocking", _("blocking hits open")), ("open", _("any hits open")), ("clean", _("no open hits"))]

    def queryset(self, request, queryset):
        open_hits = Hit.objects.open().filter(article=OuterRef("pk"))
        if self.value() == "blocking":
            return queryset.filter(Exists(open_hits.filter(blocking=True)))
        if self.value() == "open":
            return queryset.filter(Exists(open_hits))
        if self.value() == "clean":
            return queryset.exclude(Exists(open_hits))
        return queryset
