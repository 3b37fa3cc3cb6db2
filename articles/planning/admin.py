"""Story plans and planning events on the desk; every save, delete and decision calls articles.planning.services."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.planning import desk
from articles.planning.models import PlanningEvent, StoryPlan
from articles.planning.services import (
    PLAN_FIELDS,
    assignable_people,
    can_plan,
    plan_approve,
    plan_assign,
    plan_check_page,
    plan_decline,
    plan_delete,
    plan_propose,
    plan_start_writing,
    plan_update,
    planning_event_delete,
    planning_event_save,
)
from articles.text import char_count
from issues.numerals import page_label
from newsroom.people import person_name


def _messages(request: HttpRequest, error: Exception) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error) or _("You cannot do that.")]
    for text in texts:
        messages.error(request, text)


class StoryPlanForm(forms.ModelForm):
    # The version the person started from; a change made from an older one is refused.
    known_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StoryPlan
        fields = list(PLAN_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["known_version"].initial = self.instance.version
        elif "deadline" in self.fields and not self.initial.get("deadline"):
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            self.fields["issue_date"].initial = tomorrow
            # 17:00 the day before the issue, or a little later than now if that has passed.
            evening = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(17, 0)))
            self.fields["deadline"].initial = max(evening, timezone.now() + datetime.timedelta(hours=2))

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            current = StoryPlan.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current is not None and current != cleaned_data.get("known_version"):
                raise forms.ValidationError(
                    _("Someone else changed this plan while you had it open. Your text is kept below and "
                      "was not saved: open the plan in a new tab, compare, then save again."),
                    code="stale_version",
                )
        deadline = cleaned_data.get("deadline")
        if deadline and deadline < timezone.now() and (not self.instance.pk or deadline != self.instance.deadline):
            self.add_error("deadline", _("The deadline has already passed: give a time still to come."))
        try:
            plan_check_page(issue_date=cleaned_data.get("issue_date"), page_number=cleaned_data.get("page_number"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned_data


class LateFilter(admin.SimpleListFilter):
    title = _("late")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", _("late")), ("no", _("on time"))]

    def queryset(self, request, queryset):
        late = StoryPlan.objects.late_q(timezone.now())
        if self.value() == "yes":
            return queryset.filter(late)
        if self.value() == "no":
            return queryset.exclude(late)
        return queryset


class PersonFilter(admin.SimpleListFilter):
    """Plans of one person, as reporter or photographer."""

    title = _("person")
    parameter_name = "person"

    def lookups(self, request, model_admin):
        return [(str(user.pk), person_name(user)) for user in assignable_people()]

    def queryset(self, request, queryset):
        if self.value():
            from django.db.models import Q

            return queryset.filter(Q(reporter=self.value()) | Q(photographer=self.value()))
        return queryset


class PageFilter(admin.SimpleListFilter):
    title = _("planned page")
    parameter_name = "page"

    def lookups(self, request, model_admin):
        return [(str(number), page_label(number)) for number in range(1, 17)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(page_number=int(self.value()))
        return queryset


@admin.register(StoryPlan)
class StoryPlanAdmin(admin.ModelAdmin):
    form = StoryPlanForm
    change_form_template = "admin/planning/storyplan/change_form.html"
    change_list_template = "admin/planning/storyplan/change_list.html"
    list_display = ["slug", "issue_date", "page", "planned_chars", "actual_chars", "reporter", "photographer",
                    "status", "story_state", "is_late", "deadline"]
    list_filter = ["status", "issue_date", PageFilter, PersonFilter, LateFilter]
    # No date_hierarchy: its list of years reads every plan (seconds at ten years); the date filter narrows instead.
    search_fields = ["slug"]
    # Newest first, walking the (issue_date, page_number) index backwards.
    ordering = ["-issue_date", "-page_number", "-pk"]
    list_select_related = ["reporter", "photographer", "article"]
    list_per_page = 50
    show_full_result_count = False  # ten years of plans: no second COUNT over the whole table
    readonly_fields = ["status", "proposed_by", "reporter", "photographer", "story", "decline_reason"]
    fieldsets = [
        (None, {"fields": ["slug", "summary", "issue_date", "page_number", "planned_chars", "photos_wanted",
                           "deadline", "known_version"]}),
        (_("State"), {"fields": ["status", "proposed_by", "reporter", "photographer", "story", "decline_reason"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).seen_by(request.user).for_listing().with_late()

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_plan(request.user) or (
            obj.proposed_by_id == request.user.pk and obj.status == StoryPlan.Status.PROPOSED
        )

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("page"), ordering="page_number")
    def page(self, obj):
        return page_label(obj.page_number) if obj.page_number else "—"

    @admin.display(description=_("字数 written"))
    def actual_chars(self, obj):
        return char_count(obj.article.body) if obj.article_id else "—"

    @admin.display(description=_("story"))
    def story_state(self, obj):
        return obj.article.get_status_display() if obj.article_id else _("not started")

    @admin.display(description=_("late"), boolean=True)
    def is_late(self, obj):
        return obj.late

    @admin.display(description=_("story"))
    def story(self, obj):
        if not obj.article_id:
            return _("not started")
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            obj.article.headline,
            obj.article.get_status_display(),
            _("{count} characters").format(count=char_count(obj.article.body)),
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PLAN_FIELDS if name in form.cleaned_data}
        if change:
            saved = plan_update(plan=obj, user=request.user, known_version=form.cleaned_data.get("known_version"), **fields)
        else:
            saved = plan_propose(user=request.user, **fields)
            obj.pk = saved.pk
            obj._state = saved._state
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        from issues.models import Issue

        if not Issue.objects.filter(date=saved.issue_date).exists():
            messages.warning(request, _("There is no issue for {date} yet: the plan waits for it, and shows on the "
                                        "稿单 once the issue is made.").format(date=saved.issue_date))

    def delete_view(self, request, object_id, extra_context=None):
        plan = self.get_object(request, object_id)
        if plan is not None and plan.article_id is not None:
            messages.error(request, _("“{slug}” has a story (“{headline}”): the plan is kept with it. Turn it down or "
                                      "withdraw the story instead.").format(slug=plan.slug, headline=plan.article.headline))
            return HttpResponseRedirect(reverse("admin:planning_storyplan_change", args=[plan.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        plan_delete(plan=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for plan in queryset:
            try:
                plan_delete(plan=plan, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                _messages(request, error)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/decide/", wrap(self.decide_view), name="planning_storyplan_decide"),
            *desk.planning_urls(self),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                decide_url=reverse("admin:planning_storyplan_decide", args=[obj.pk]),
                may_plan=can_plan(request.user),
                may_start=obj.reporter_id == request.user.pk and obj.article_id is None
                and obj.status in (StoryPlan.Status.APPROVED, StoryPlan.Status.ASSIGNED),
                people=list(assignable_people()),
                plan=obj,
                budget_url=reverse("admin:planning_storyplan_budget", args=[obj.issue_date.isoformat()]),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def decide_view(self, request, object_id):
        """Approve, turn down, assign or start writing: one POST, one service, back to the plan."""
        plan = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = reverse("admin:planning_storyplan_change", args=[plan.pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        action = request.POST.get("action")
        known = request.POST.get("known_version")
        known_version = int(known) if known and known.isdigit() else None
        try:
            if action == "approve":
                plan_approve(plan=plan, user=request.user, known_version=known_version)
                messages.success(request, _("The plan is approved."))
            elif action == "decline":
                plan_decline(plan=plan, user=request.user, reason=request.POST.get("reason", ""), known_version=known_version)
                messages.success(request, _("The plan is turned down; the reporter sees why."))
            elif action == "assign":
                from django.contrib.auth import get_user_model

                users = get_user_model().objects
                reporter = users.filter(pk=request.POST.get("reporter") or 0).first()
                photographer = users.filter(pk=request.POST.get("photographer") or 0).first()
                if reporter is None:
                    raise ValidationError(_("Choose the reporter to assign the story to."))
                plan_assign(plan=plan, user=request.user, reporter=reporter, photographer=photographer,
                            known_version=known_version)
                messages.success(request, _("The story is assigned to {who}.").format(who=person_name(reporter)))
            elif action == "start":
                article = plan_start_writing(plan=plan, user=request.user)
                messages.success(request, _("The draft story is made from the plan: write it here."))
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
            else:
                raise ValidationError(_("Unknown action."))
        except (ValidationError, PermissionDenied) as error:
            _messages(request, error)
        return HttpResponseRedirect(back)


class PlanningEventForm(forms.ModelForm):
    class Meta:
        model = PlanningEvent
        fields = ["date", "title", "kind", "note"]


@admin.register(PlanningEvent)
class PlanningEventAdmin(admin.ModelAdmin):
    form = PlanningEventForm
    list_display = ["date", "title", "kind"]
    list_filter = ["kind", "date"]
    date_hierarchy = "date"
    search_fields = ["title"]

    def save_model(self, request, obj, form, change):
        planning_event_save(event=obj)

    def delete_model(self, request, obj):
        planning_event_delete(event=obj)

    def delete_queryset(self, request, queryset):
        for event in queryset:
            planning_event_delete(event=event)
