"""The article admin's own screens: review buttons, revisions with their differences, corrections."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.diff import diff_fields
from articles.models import Article
from articles.rules import can_edit, is_published
from articles.services import (
    TEXT_FIELDS,
    article_call_back_online,
    article_correct,
    article_release_online,
    article_restore,
    article_step,
)
from newsroom.people import person_name

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
        path("<path:object_id>/online/", wrap(online_view), name="articles_article_online"),
    ]


def _article(model_admin, request: HttpRequest, object_id: str) -> Article:
    """The article if this user may see it at all; a 404 otherwise, as for a missing one."""
    article = model_admin.get_object(request, unquote(object_id))
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404(_("No such article."))
    return article


def available_actions(user, article: Article) -> list[tuple[str, str]]:
    """The review buttons to offer this user for this article: the steps of the table open to them."""
    return [(step.name, step.button) for step in workflow.available_steps(user, article)]


def sent_back_note(article: Article) -> dict | None:
    """Who sent a sent-back story back, when, and what they asked for (the latest send-back)."""
    if article.status != Status.SENT_BACK:
        return None
    step = (
        article.transitions.filter(action=workflow.STEP["send_back"].name)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    if step is None:
        return None
    return {
        "who": person_name(step.actor),
        "when": date_format(timezone.localtime(step.at), "Y-m-d H:i"),
        "comment": step.comment,
    }


def workflow_context(request: HttpRequest, article: Article) -> dict:
    """What the article's change page shows above the form: its state, the steps open to this user."""
    user = request.user
    published = is_published(article)
    return {
        "workflow_sent_back": sent_back_note(article),
        "workflow_status": article.get_status_display(),
        "workflow_actions": available_actions(user, article),
        "workflow_needs_comment": {step.name for step in workflow.STEPS if step.comment_required},
        "workflow_published": published,
        "workflow_can_correct": published and user.has_perm("articles.correct_article"),
        "workflow_url": reverse("admin:articles_article_workflow", args=[article.pk]),
        "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
        "correct_url": reverse("admin:articles_article_correct", args=[article.pk]),
        **online_context(user, article, published=published),
    }


def online_context(user, article: Article, *, published: bool) -> dict:
    """网络首发 on the change page: when the story goes (or went) online, and the chief's buttons."""
    now = timezone.now()
    embargoed = article.online_at is not None and article.online_at > now and article.status == Status.APPROVED
    may_release = user.has_perm("articles.release_article_online") and article.status == Status.APPROVED
    return {
        "online_at": article.online_at if article.status == Status.APPROVED or published else None,
        "online_embargoed": embargoed,
        "online_live": published and article.online_at is not None and article.online_at <= now,
        # Only what the service would allow: a story not yet public, or one waiting for its embargo.
        "online_may_release": may_release and not published,
        "online_form": OnlineReleaseForm(),
        "online_url": reverse("admin:articles_article_online", args=[article.pk]),
    }


class OnlineReleaseForm(forms.Form):
    """When to release a story online: a local date and time (the browser's datetime-local field)."""

    # The field shares its form with "Release online now", which needs no time.
    use_required_attribute = False

    at = forms.DateTimeField(
        label=_("Release online at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the date and time the story goes online."),
            "invalid": _("Give the date and time the story goes online, for example 2026-12-01 08:00."),
        },
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise ValidationError(_("That time has passed: release the story now, or choose a later time."))
        return at


def online_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """网络首发: release now, at a time (an embargo), or call an embargo back; then back to the story."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    action = request.POST.get("action", "")
    try:
        if action == "now":
            article_release_online(article=article, user=request.user)
            messages.success(request, _("“{headline}” is online now.").format(headline=article.headline))
        elif action == "at":
            form = OnlineReleaseForm(request.POST)
            if not form.is_valid():
                for message in form.errors["at"]:
                    messages.error(request, message)
                return HttpResponseRedirect(change_url)
            article_release_online(article=article, user=request.user, at=form.cleaned_data["at"])
            messages.success(
                request,
                _("“{headline}” goes online at {when}.").format(
                    headline=article.headline, when=date_format(timezone.localtime(article.online_at), "Y-m-d H:i")
                ),
            )
        elif action == "call_back":
            article_call_back_online(article=article, user=request.user, reason=request.POST.get("reason", ""))
            messages.success(
                request, _("The online release of “{headline}” is called back.").format(headline=article.headline)
            )
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied as error:
        for message in error_messages(error):
            messages.error(request, message)
        return _refused(request, change_url)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    return HttpResponseRedirect(change_url)


def step_name(action: str, article: Article) -> str | None:
    """A step of the table by name; "review" (what scripts post) is the next 初审 or 二审."""
    if action == "review":
        return workflow.next_review_pass(article)
    return action if action in workflow.STEP else None


def error_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    return [str(error) or str(_("You do not have permission to do that."))]


def workflow_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """One review step posted on its own: a story the user may only view, and scripts.

    A story the user may edit posts its buttons with its form instead (ArticleAdmin.response_change),
    so the edits typed above them are saved with the step.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    step = step_name(request.POST.get("action", ""), article)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    if step is None:
        messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(change_url)
    before = article.get_status_display()
    try:
        article_step(article=article, user=request.user, step=step, comment=request.POST.get("comment", ""))
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
