"""The article admin's own screens: review buttons, revisions with their differences, corrections."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from articles.diff import diff_fields
from articles.models import Article
from articles.rules import can_edit, can_review, is_published
from articles.services import (
    TEXT_FIELDS,
    article_approve,
    article_correct,
    article_restore,
    article_review_pass,
    article_send_back,
    article_submit,
    article_withdraw,
)

Status = Article.Status


def article_admin_urls(model_admin) -> list:
    """URLs under /admin/articles/article/<id>/ for the workflow, revisions and corrections."""
    site = model_admin.admin_site

    def wrap(view):
        return site.admin_view(lambda request, object_id: view(model_admin, request, object_id))

    return [
        path("<path:object_id>/workflow/", wrap(workflow_view), name="articles_article_workflow"),
        path("<path:object_id>/revisions/", wrap(revisions_view), name="articles_article_revisions"),
        path("<path:object_id>/correct/", wrap(correct_view), name="articles_article_correct"),
    ]


def _article(model_admin, request: HttpRequest, object_id: str) -> Article:
    """The article if this user may see it at all; a 404 otherwise, as for a missing one."""
    article = model_admin.get_object(request, unquote(object_id))
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404(_("No such article."))
    return article


def _is_own(user, article: Article) -> bool:
    return article.reporter_id == user.pk and not user.is_superuser


def available_actions(user, article: Article) -> list[tuple[str, str]]:
    """The review buttons to offer this user for this article (the services still decide)."""
    actions = []
    if article.status in Article.DRAFT_STATES and can_edit(user, article):
        actions.append(("submit", _("Submit for review")))
    if article.status == Status.SUBMITTED and can_review(user) and not _is_own(user, article):
        actions.append(("review", _("Pass first review (初审)")))
    if article.status == Status.FIRST_PASSED and can_review(user) and not _is_own(user, article):
        actions.append(("review", _("Pass second review (二审)")))
    if (
        article.status == Status.SECOND_PASSED
        and user.has_perm("articles.approve_article")
        and not _is_own(user, article)
    ):
        actions.append(("approve", _("Approve (终审)")))
    if article.status in Article.REVIEW_STATES and can_review(user):
        actions.append(("send_back", _("Send back")))
    if article.status == Status.APPROVED and user.has_perm("articles.withdraw_article"):
        actions.append(("withdraw", _("Withdraw (撤稿)")))
    return actions


def workflow_context(request: HttpRequest, article: Article) -> dict:
    """What the article's change page shows above the form: its state, the steps open to this user."""
    user = request.user
    published = is_published(article)
    return {
        "workflow_status": article.get_status_display(),
        "workflow_actions": available_actions(user, article),
        "workflow_needs_comment": {"send_back", "withdraw"},
        "workflow_published": published,
        "workflow_can_correct": published
        and article.status == Status.APPROVED
        and user.has_perm("articles.correct_article"),
        "workflow_url": reverse("admin:articles_article_workflow", args=[article.pk]),
        "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
        "correct_url": reverse("admin:articles_article_correct", args=[article.pk]),
    }


SERVICES = {
    "submit": lambda article, user, comment: article_submit(article=article, user=user),
    "review": lambda article, user, comment: article_review_pass(article=article, user=user, comment=comment),
    "send_back": lambda article, user, comment: article_send_back(article=article, user=user, comment=comment),
    "approve": lambda article, user, comment: article_approve(article=article, user=user, comment=comment),
    "withdraw": lambda article, user, comment: article_withdraw(article=article, user=user, reason=comment),
}


def error_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error) or str(_("You do not have permission to do that."))]


def workflow_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """One review step from the article's page: the service decides, the page says what happened."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    action = request.POST.get("action", "")
    service = SERVICES.get(action)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if service is None:
        messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(change_url)
    before = article.get_status_display()
    try:
        service(article, request.user, request.POST.get("comment", ""))
    except PermissionDenied as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _refused(request, change_url)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return HttpResponseRedirect(change_url)
    messages.success(
        request,
        _("“{headline}”: {before} → {after}.").format(
            headline=article.headline, before=before, after=article.get_status_display()
        ),
    )
    return HttpResponseRedirect(change_url)


def _refused(request: HttpRequest, change_url: str) -> HttpResponse:
    # Refusals answer 403 so a script (or a test) can tell them from success; people follow the link.
    return render(request, "admin/articles/article/refused.html", {"back_url": change_url}, status=403)


def revisions_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Every saved revision; two chosen ones compared; an old one restored."""
    article = _article(model_admin, request, object_id)
    may_restore = can_edit(request.user, article)
    if request.method == "POST":
        if not may_restore:
            messages.error(request, _("You cannot change this article now."))
            return _refused(request, reverse("admin:articles_article_change", args=[article.pk]))
        try:
            revision_id = int(request.POST.get("revision", ""))
            article_restore(article=article, user=request.user, revision_id=revision_id)
        except ValueError:
            messages.error(request, _("Choose a revision."))
            return HttpResponseRedirect(request.path)
        except (ValidationError, PermissionDenied) as error:
            for message in error_messages(error):
                messages.error(request, message)
            return HttpResponseRedirect(request.path)
        messages.success(request, _("The revision was restored; the article now reads as it did then."))
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    revisions = list(article.history.select_related("history_user").order_by("-history_date", "-history_id"))
    by_id = {revision.history_id: revision for revision in revisions}
    older = newer = None
    diffs = []
    try:
        older = by_id.get(int(request.GET.get("a", "")))
        newer = by_id.get(int(request.GET.get("b", "")))
    except ValueError:
        pass
    if older is None and newer is None and len(revisions) >= 2:
        newer, older = revisions[0], revisions[1]
    if older and newer:
        if older.history_date > newer.history_date:
            older, newer = newer, older
        labels = {name: Article._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
        diffs = diff_fields(older, newer, labels)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": _("Revisions of “{headline}”").format(headline=article.headline),
        "revisions": revisions,
        "older": older,
        "newer": newer,
        "diffs": diffs,
        "may_restore": may_restore,
    }
    return TemplateResponse(request, "admin/articles/article/revisions.html", context)


class CorrectionForm(forms.ModelForm):
    """The released text to fix, the note readers will see, and the version it was based on."""

    note = forms.CharField(
        label=_("correction note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers see this note, dated, at the end of the story."),
    )
    known_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Article
        fields = list(TEXT_FIELDS)


def correct_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """更正: fix a released story; the reader sees the new text and a dated note."""
    article = _article(model_admin, request, object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if not request.user.has_perm("articles.correct_article"):
        messages.error(request, _("Only editors can correct articles."))
        return _refused(request, change_url)
    form = CorrectionForm(
        request.POST or None, instance=article, initial={"known_version": article.version}
    )
    stale_diffs = []
    if request.method == "POST" and form.is_valid():
        text = {name: form.cleaned_data[name] for name in TEXT_FIELDS}
        try:
            # The form edited this instance in memory; the service starts again from the saved row.
            article_correct(
                article=Article(pk=article.pk),
                user=request.user,
                note=form.cleaned_data["note"],
                known_version=form.cleaned_data["known_version"],
                **text,
            )
        except PermissionDenied as error:
            for message in error_messages(error):
                messages.error(request, message)
            return _refused(request, change_url)
        except ValidationError as error:
            if getattr(error, "code", None) == "stale_version":
                saved = Article.objects.get(pk=article.pk)
                labels = {name: form.fields[name].label for name in TEXT_FIELDS}
                stale_diffs = diff_fields(saved, text, labels)
            form.add_error(None, error)
        else:
            messages.success(request, _("The correction is published with its note."))
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": _("Correct “{headline}”").format(headline=article.headline),
        "form": form,
        "media": model_admin.media + form.media,
        "stale_diffs": stale_diffs,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/articles/article/correct.html", context)
