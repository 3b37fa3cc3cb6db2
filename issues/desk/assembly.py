"""The night editor's screen: one issue, all its pages in order, what is missing, and every change in place.

Every change is a plain form posting back to this view, which calls a service and redirects
(post/redirect/get) to the page it changed, so the screen works without JavaScript.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from issues.models import Issue, Jump, Page, Placement, Teaser
from issues.services import (
    issue_layout,
    issue_problems,
    issue_release,
    issue_is_open,
    issue_unschedule,
    jump_create,
    jump_delete,
    page_fit_waive,
    page_sign_off,
    page_sign_off_revoke,
    placement_create,
    placement_delete,
    placement_move,
    placements_for_layout,
    proposed_release_at,
    teaser_create,
    teaser_delete,
)

# How many unplaced articles the "place a story" list offers, newest first.
CANDIDATE_LIMIT = 300


def assembly_urls(model_admin) -> list:
    """/admin/issues/issue/<id>/assembly/, behind the admin's login."""
    view = model_admin.admin_site.admin_view(
        lambda request, object_id: assembly_view(model_admin, request, object_id)
    )
    return [path("<path:object_id>/assembly/", view, name="issues_issue_assembly")]


class PlaceForm(forms.Form):
    page = forms.ModelChoiceField(queryset=Page.objects.none())
    article = forms.ModelChoiceField(queryset=Article.objects.none())


class MoveForm(forms.Form):
    placement = forms.ModelChoiceField(queryset=Placement.objects.none())
    offset = forms.TypedChoiceField(choices=[("-1", "-1"), ("1", "1")], coerce=int)


class PlacementForm(forms.Form):
    placement = forms.ModelChoiceField(queryset=Placement.objects.none())


class JumpForm(forms.Form):
    placement = forms.ModelChoiceField(queryset=Placement.objects.none())
    to_page = forms.ModelChoiceField(queryset=Page.objects.none())
    after_paragraph = forms.IntegerField(min_value=1)


class JumpDeleteForm(forms.Form):
    jump = forms.ModelChoiceField(queryset=Jump.objects.none())


class TeaserForm(forms.Form):
    page = forms.ModelChoiceField(queryset=Page.objects.none())
    article = forms.ModelChoiceField(queryset=Article.objects.none())
    label = forms.CharField(max_length=50, required=False)


class TeaserDeleteForm(forms.Form):
    teaser = forms.ModelChoiceField(queryset=Teaser.objects.none())


class PageChoiceForm(forms.Form):
    page = forms.ModelChoiceField(queryset=Page.objects.none())


class FitWaiveForm(forms.Form):
    page = forms.ModelChoiceField(queryset=Page.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=1000)


class ReleaseForm(forms.Form):
    release_at = forms.DateTimeField(
        label=_("release time"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )


def _bind(form_class, data, issue: Issue):
    """A form whose choices are limited to this issue's own rows, so no id from elsewhere gets through."""
    form = form_class(data)
    querysets = {
        "page": issue.pages.all(),
        "to_page": issue.pages.all(),
        "placement": Placement.objects.filter(page__issue=issue).select_related("page", "article"),
        "jump": Jump.objects.filter(placement__page__issue=issue).select_related("placement__page", "to_page"),
        "teaser": Teaser.objects.filter(page__issue=issue).select_related("page"),
        "article": Article.objects.exclude(status=Article.Status.WITHDRAWN),
    }
    for name, field in form.fields.items():
        if name in querysets:
            field.queryset = querysets[name]
    return form


def _require(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms([f"issues.{perm}" for perm in perms]):
        raise PermissionDenied(_("You do not have permission to change this issue's pages."))


def _release(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    released = issue_release(issue=issue, user=request.user, at=values["release_at"])
    when = timezone.localtime(released.release_at).strftime("%Y-%m-%d %H:%M")
    if not Issue.objects.released().filter(pk=released.pk).exists():
        return str(_("The issue is scheduled: readers see it from {when}.").format(when=when)), ""
    return str(_("The issue is released: readers see it now.")), ""


def _unschedule(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    issue_unschedule(issue=issue, user=request.user)
    return str(_("The scheduled release is called back.")), ""


def _sign_off(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    page = page_sign_off(page=values["page"], user=request.user)
    return str(_("{page} is signed off.").format(page=page.label)), f"page-{page.number}"


def _unsign(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    page = page_sign_off_revoke(page=values["page"], user=request.user)
    return str(_("The sign-off of {page} is taken back.").format(page=page.label)), f"page-{page.number}"


def _fit_waive(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    page = page_fit_waive(page=values["page"], user=request.user, reason=values["reason"])
    return str(_("{page} may run over: the reason is kept.").format(page=page.label)), f"page-{page.number}"


def _place(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    placement = placement_create(page=values["page"], article=values["article"])
    message = _("“{headline}” is placed on {page}.").format(
        headline=values["article"].headline, page=values["page"].label
    )
    return str(message), f"page-{placement.page.number}"


def _move(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    placement_move(placement=values["placement"], offset=values["offset"])
    return str(_("The reading order is changed.")), f"page-{values['placement'].page.number}"


def _remove(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    placement = values["placement"]
    placement_delete(placement=placement)
    return str(_("The story is taken off {page}.").format(page=placement.page.label)), f"page-{placement.page.number}"


def _jump(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    placement = values["placement"]
    existing = getattr(placement, "jump", None)
    if existing is not None:
        jump_delete(jump=existing)
        placement = Placement.objects.select_related("page", "article").get(pk=placement.pk)
    jump = jump_create(placement=placement, to_page=values["to_page"], after_paragraph=values["after_paragraph"])
    return str(_("The story now continues on {page}.").format(page=jump.to_page.label)), f"page-{placement.page.number}"


def _unjump(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    jump = values["jump"]
    jump_delete(jump=jump)
    return str(_("The jump is removed.")), f"page-{jump.placement.page.number}"


def _teaser(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    teaser = teaser_create(page=values["page"], article=values["article"], label=values["label"])
    return str(_("The teaser is added to {page}.").format(page=teaser.page.label)), f"page-{teaser.page.number}"


def _unteaser(request: HttpRequest, issue: Issue, values: dict) -> tuple[str, str]:
    teaser = values["teaser"]
    teaser_delete(teaser=teaser)
    return str(_("The teaser is removed.")), f"page-{teaser.page.number}"


@dataclass(frozen=True)
class Action:
    """One thing the assembly screen's forms can ask for: its form, the permissions it needs, its handler."""

    form: type[forms.Form]
    perms: tuple[str, ...]
    run: Callable[[HttpRequest, Issue, dict], tuple[str, str]]


# The screen's every change; each handler calls one service (which asks the issue's guard).
ACTIONS: dict[str, Action] = {
    "release": Action(ReleaseForm, (), _release),
    "unschedule": Action(forms.Form, (), _unschedule),
    "sign_off": Action(PageChoiceForm, (), _sign_off),
    "unsign": Action(PageChoiceForm, (), _unsign),
    "fit_waive": Action(FitWaiveForm, (), _fit_waive),
    "place": Action(PlaceForm, ("add_placement",), _place),
    "move": Action(MoveForm, ("change_placement",), _move),
    "remove": Action(PlacementForm, ("delete_placement",), _remove),
    "jump": Action(JumpForm, ("add_jump", "change_jump"), _jump),
    "unjump": Action(JumpDeleteForm, ("delete_jump",), _unjump),
    "teaser": Action(TeaserForm, ("add_teaser",), _teaser),
    "unteaser": Action(TeaserDeleteForm, ("delete_teaser",), _unteaser),
}


def _act(request: HttpRequest, issue: Issue) -> tuple[str, str]:
    """Do what the posted form asks; return a success message and the page anchor to go back to."""
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise ValidationError(_("Unknown action."))
    _require(request, *action.perms)
    form = _bind(action.form, request.POST, issue)
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()]
        )
    return action.run(request, issue, form.cleaned_data)


def assembly_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Show the issue page by page with its problems; on POST, make one change and come back."""
    issue = model_admin.get_object(request, unquote(object_id))
    if issue is None:
        raise Http404(_("No such issue."))
    if not model_admin.has_view_permission(request, issue):
        raise PermissionDenied
    url = reverse("admin:issues_issue_assembly", args=[issue.pk])
    if request.method == "POST":
        try:
            message, anchor = _act(request, issue)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You do not have permission to do that."))
            return TemplateResponse(
                request,
                "admin/issues/issue/refused.html",
                {**model_admin.admin_site.each_context(request), "back_url": url},
                status=403,
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            anchor = ""
        else:
            messages.success(request, message)
        return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))
    return TemplateResponse(request, "admin/issues/issue/assembly.html", _context(model_admin, request, issue))


def _context(model_admin, request: HttpRequest, issue: Issue) -> dict:
    from issues.fit import fills, fit_margin, placement_chars, with_planned

    # Read once (pages, placements with their jumps, photos, teasers) and shared with the release
    # checks and 校对, so the screen costs the same few queries whatever the issue holds.
    layout = issue_layout(
        issue,
        pages=list(with_planned(issue.pages.select_related("signed_off_by", "editor", "fit_waived_by"))),
        placements=placements_for_layout(issue).prefetch_related(Prefetch("article__photos")),
    )
    pages, placements = layout.pages, layout.placements
    by_page: dict[int, list[Placement]] = {page.pk: [] for page in pages}
    for placement in placements:
        by_page[placement.page_id].append(placement)
    by_pk = {placement.pk: placement for placement in placements}
    # A jump from another issue is a problem the release lists; here only this issue's jumps lead in.
    incoming: dict[tuple[int, int], Jump] = {
        (jump.to_page_id, by_pk[jump.placement_id].article_id): jump for jump in layout.jumps
    }
    teasers: dict[int, list[Teaser]] = {page.pk: [] for page in pages}
    for teaser in layout.teasers:
        teasers[teaser.page_id].append(teaser)
    # 校对 (articles.proofing): open hits and the error rate per page and for the issue, computed once
    # for the table and for the problems (a story checked against older lists is checked again).
    from articles.proofing.services import issue_proofing

    proofing = issue_proofing(issue=issue, layout=layout)
    problems = issue_problems(issue, proofing=proofing, layout=layout)
    placed_articles = {p.article_id: p.article for p in placements if p.article_id}
    pages_of_article: dict[int, set[int]] = {}
    for placement in placements:
        if placement.article_id:
            pages_of_article.setdefault(placement.article_id, set()).add(placement.page_id)
    # 字数 (issue #14): each story counted for the part this page carries, against plan and capacity.
    chars = placement_chars(placements, layout.jumps)
    page_fill = fills(pages, placements, layout.jumps, {page.number: page.planned_chars for page in pages}, chars)
    released = Issue.objects.released().filter(pk=issue.pk).exists()
    proofing_pages, proofing_total, _blocking = proofing
    rows = []
    for page in pages:
        page_placements = by_page[page.pk]
        for placement in page_placements:
            placement.incoming = incoming.get((page.pk, placement.article_id))
            placement.later_pages = [other for other in pages if other.number > page.number]
            placement.paragraph_count = len(placement.article.paragraphs) if placement.article_id else 0
            placement.char_count = chars[placement.pk]
        rows.append(
            {
                "page": page,
                "fit": page_fill[page.pk],
                "placements": page_placements,
                "teasers": teasers[page.pk],
                "problems": [problem for problem in problems if problem.page and problem.page.pk == page.pk],
                # A teaser points at a story placed on another page of this issue.
                "teaser_choices": [
                    placed_articles[article_id]
                    for article_id, page_ids in pages_of_article.items()
                    if page_ids - {page.pk}
                ],
                "proofing": proofing_pages[page.pk],
                "preview_url": reverse("issues:page-preview", kwargs={"date": issue.date, "number": page.number}),
            }
        )
    candidates = list(
        Article.objects.exclude(status=Article.Status.WITHDRAWN)
        .exclude(pk__in=list(placed_articles))
        .only("pk", "headline", "status")
        .order_by("-created_at", "-pk")[:CANDIDATE_LIMIT]
    )
    user = request.user
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Issue._meta,
        "original": issue,
        "title": _("Assemble {issue}").format(issue=issue),
        "issue": issue,
        "rows": rows,
        "problems": problems,
        "proofing_total": proofing_total,
        "candidates": candidates,
        "released": released,
        "scheduled": issue.release_at is not None and not released,
        "open_for_changes": issue_is_open(issue),
        "proposed_release_at": timezone.localtime(proposed_release_at(issue)).strftime("%Y-%m-%dT%H:%M"),
        "can_assemble": user.has_perm("issues.add_placement"),
        "can_sign_off": user.has_perm("issues.sign_off_page"),
        "can_release": user.has_perm("issues.release_issue"),
        "can_preview": user.has_perm("issues.preview_issue"),
        "fit_margin": fit_margin(),
        "budget_url": reverse("admin:planning_storyplan_budget", args=[issue.date.isoformat()]),
    }
