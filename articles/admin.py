from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.models import Tag, TaggedItem

from articles import workflow
from articles.diff import diff_fields
from articles.contributors.admin import CreditInline, credit_typed_byline, save_credit_formset, uncredited_warning
from articles.desk.article_views import article_admin_urls, step_name, workflow_context
from articles.desk.photo_forms import PhotoForm, PhotoInlineFormSet, forget_stashed
from articles.desk.photo_views import photo_admin_urls
from articles.models import Article, Photo
from articles.photos import PHOTO_FIELDS, can_change_photo, photo_create, photo_delete, photo_update
from articles.proofing.desk import ProofingFilter, proofing_urls
from articles.rules import can_edit, is_published, sees_all_articles, visible_articles, waits_for_its_release
from articles.services import EDIT_FIELDS, TEXT_FIELDS, article_create, article_edit, article_step
from articles.text import char_count
from articles.workflow import waiting_for_q
from newsroom.people import person_name


def photo_preview(photo: Photo) -> str:
    """The photo as the desk sees it on the story's page and its own; a stand-in says it waits for its image."""
    if not photo.image:
        return "—"
    if photo.image_pending:
        return format_html(
            '<img src="{}" alt="" style="max-height:8rem"> <strong class="errornote">{}</strong>',
            photo.image.url,
            _("Waiting for its image: choose the real photo above to replace the grey stand-in."),
        )
    return format_html('<img src="{}" alt="" style="max-height:8rem">', photo.image.url)


class PhotoInline(admin.StackedInline):
    model = Photo
    form = PhotoForm
    formset = PhotoInlineFormSet
    extra = 0
    fields = [("image", "preview"), "caption", ("credit", "order")]
    readonly_fields = ["preview", "caption_correction"]

    # Photos change with their article: only while the article itself may be edited. The
    # article admin's save_formset saves them through the photo services (articles.photos).
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or can_edit(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_edit(request.user, obj))

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # A published story's photos change only by correction: each offers its own.
        if obj is not None and request.user.has_perm("articles.correct_article") and is_published(obj):
            fields.append("caption_correction")
        return fields

    @admin.display(description=_("preview"))
    def preview(self, photo: Photo) -> str:
        return photo_preview(photo)

    @admin.display(description=_("correction"))
    def caption_correction(self, photo: Photo) -> str:
        if photo.pk is None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:articles_photo_correct", args=[photo.pk]),
            _("Correct the caption (更正)"),
        )


SETTLED_MESSAGE = _(
    "This story stands on an issue scheduled for release: the chief editor released its page with "
    "this text. To change it, call the release back on the issue's assembly screen first."
)

REOPENED_MESSAGE = _(
    "This article was approved: after your change it goes back to the chief editor and "
    "readers do not see it until it is approved again."
)


def save_photo_formset(model_admin, request, form, formset) -> None:
    """The article form's photos, saved through the photo services (the one door for photos)."""
    article = form.instance
    was_approved = article.status == Article.Status.APPROVED
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for photo_form in formset.forms:
        deleting = formset.can_delete and formset._should_delete_form(photo_form)
        data = getattr(photo_form, "cleaned_data", {})
        if photo_form.instance.pk is not None:
            if deleting:
                photo_delete(photo=photo_form.instance, user=request.user)
                formset.deleted_objects.append(photo_form.instance)
            elif photo_form.has_changed():
                changed = [name for name in photo_form.changed_data if name in PHOTO_FIELDS and name != "article"]
                photo_update(photo=photo_form.instance, user=request.user, **{name: data[name] for name in changed})
                formset.changed_objects.append((photo_form.instance, changed))
                forget_stashed(data.get("image"))
        elif photo_form.has_changed() and not deleting:
            photo_form.instance = photo_create(
                user=request.user,
                article=article,
                image=data["image"],
                caption=data.get("caption", ""),
                credit=data.get("credit", ""),
                order=data.get("order") or 0,
            )
            formset.new_objects.append(photo_form.instance)
            forget_stashed(data["image"])
    if was_approved:
        article.status = Article.objects.values_list("status", flat=True).get(pk=article.pk)
        if article.status != Article.Status.APPROVED:
            model_admin.message_user(request, REOPENED_MESSAGE, messages.WARNING)


class ArticleAdminForm(forms.ModelForm):
    # The version the editor started from; a save from an older version is refused.
    known_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled when a save is refused as stale: what differs between the saved text and theirs.
        self.stale_diffs = []
        if "reporter" in self.fields:
            # Left empty, the story is filed under the person saving it.
            self.fields["reporter"].required = False
        if self.instance.pk:
            self.fields["known_version"].initial = self.instance.version
            # 字数 (articles.planning): the live count under the editor measures against the plan.
            plan = getattr(self.instance, "plan", None)
            if plan is not None and "body" in self.fields:
                self.fields["body"].widget.attrs["data-planned-chars"] = plan.planned_chars

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        limit = settings.NEWSROOM.get("MAX_TAGS_PER_ARTICLE", 30)
        if len(tags) > limit:
            # Thousands of tags took taggit tens of seconds to save; no story needs more than a few.
            raise forms.ValidationError(
                _("A story may carry at most {limit} tags; this one has {count}. Remove some and save again.").format(
                    limit=limit, count=len(tags)
                ),
                code="too_many_tags",
            )
        return tags

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        with transaction.atomic():
            # Locks the row until the admin's own transaction ends, so two saves cannot interleave.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values("version", "status")
                .first()
            )
        if current and current["version"] != cleaned_data.get("known_version"):
            saved = Article.objects.get(pk=self.instance.pk)
            fields = {name: self.fields[name].label for name in TEXT_FIELDS if name in self.fields}
            # Compare with their text as it would be stored (sanitized), so markup alone is no difference.
            theirs = {**cleaned_data, "body": Article._meta.get_field("body").sanitize(cleaned_data.get("body") or "")}
            self.stale_diffs = diff_fields(saved, theirs, fields)
            changed = [diff.label for diff in self.stale_diffs]
            raise forms.ValidationError(
                _(
                    "Someone else saved this article while you were editing it. Your text is kept "
                    "below and was not saved. Fields that now differ from the saved version: "
                    "%(fields)s. Open the article in a new tab to see their version, merge, then save again."
                ),
                code="stale_version",
                params={"fields": "、".join(changed) or "—"},
            )
        if current:
            # A review step taken since the page was opened stands; the form does not carry status.
            self.instance.version, self.instance.status = current["version"], current["status"]
        return cleaned_data


class WaitingForMeFilter(admin.SimpleListFilter):
    """The articles that wait for this user's next step, whatever their role; or for one step of it."""

    title = _("waiting for")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        steps = workflow.queue_steps(request.user)
        mine = [("me", _("waiting for me"))]
        if len(steps) > 1:
            mine += [(step.name, step.queue) for step in steps]
        return mine

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(waiting_for_q(request.user))
        if self.value() in workflow.FORWARD:
            return queryset.filter(workflow.waiting_q(request.user, workflow.STEP[self.value()]))
        return queryset


def tags_seen_by(user):
    """The ids of the tags on stories a reporter may see (a subquery); None for those who see every story.

    The name of a tag used only on a colleague's draft can say what that draft is about.
    """
    if sees_all_articles(user):
        return None
    visible = visible_articles(user, Article.objects.all()).values("pk")
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=visible
    ).values("tag_id")


class VisibleTagsFilter(admin.RelatedFieldListFilter):
    """The tags filter, offering a reporter only the tags of stories they may see."""

    def field_choices(self, field, request, model_admin):
        seen = tags_seen_by(request.user)
        if seen is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": seen}, ordering=ordering)


class ReporterFilter(admin.RelatedFieldListFilter):
    """The reporters filter by name (newsroom.people), as the list's column shows them, not by login."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ("first_name", "last_name", "username")
        users = field.related_model._default_manager.order_by(*ordering)
        return [(user.pk, person_name(user)) for user in users]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [PhotoInline, CreditInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "subheadline", ("byline", "dateline"), "body"]}),
        (_("Filing"), {"fields": ["tags", "reporter", "status", "known_version"]}),
        (_("Review history"), {"fields": ["review_history"]}),
    ]
    # rendered_body stands in for body when the user may only view the story (get_fieldsets).
    readonly_fields = ["status", "review_history", "rendered_body"]
    list_display = ["headline", "byline", "reporter_name", "status", "chars", "printed_on", "updated_at"]
    list_filter = [
        WaitingForMeFilter,
        "status",
        ("placements__page__issue__date", admin.DateFieldListFilter),
        "placements__page__name",
        ("reporter", ReporterFilter),
        ("tags", VisibleTagsFilter),
        ProofingFilter,  # 校对 (articles.proofing)
    ]
    list_select_related = ["reporter"]
    search_fields = ["headline", "kicker", "subheadline", "byline", "body", "tags__name"]
    autocomplete_fields = ["reporter"]
    # No date_hierarchy: its list of years reads every article (seconds at ten years); the
    # issue-date filter above narrows by date instead.
    list_per_page = 50
    # One COUNT(*) instead of two: the "show all" total is not worth a second scan.
    show_full_result_count = False
    save_on_top = True
    actions = ["submit_selected", "pass_review_selected", "approve_selected"]

    def get_urls(self):
        return article_admin_urls(self) + proofing_urls(self) + super().get_urls()

    def get_queryset(self, request):
        return visible_articles(
            request.user,
            super().get_queryset(request).prefetch_related("placements__page__issue"),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Reporters file under their own name; only a superuser files for someone else.
            readonly.append("reporter_name")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.is_superuser:
            # The reporter read-only by name, not by login (get_readonly_fields).
            fieldsets = [
                (name, {**options, "fields": ["reporter_name" if f == "reporter" else f for f in options["fields"]]})
                for name, options in fieldsets
            ]
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the body as the formatted text it is, not its HTML source.
            fieldsets = [
                (name, {**options, "fields": ["rendered_body" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets
            ]
        return fieldsets if obj else fieldsets[:2]

    @admin.display(description=_("reporter"), ordering="reporter__username")
    def reporter_name(self, obj):
        return person_name(obj.reporter) if obj.reporter_id else "—"

    @admin.display(description=_("字数"))
    def chars(self, article: Article) -> int:
        return char_count(article.body)

    @admin.display(description=_("body"))
    def rendered_body(self, article: Article) -> str:
        # Sanitized on every save; sanitized again here, since this bypasses escaping.
        return mark_safe(Article._meta.get_field("body").sanitize(article.body))  # noqa: S308

    def view_on_site(self, article: Article) -> str | None:
        """Readers' page once published; before that the staff preview of the page it is placed on."""
        if is_published(article):
            return article.get_absolute_url()
        placement = (
            article.placements.select_related("page__issue").order_by("-page__issue__date", "page__number").first()
        )
        if placement is None:
            return None  # nowhere to show it yet: no link rather than a 404
        return reverse(
            "issues:page-preview", kwargs={"date": placement.page.issue.date, "number": placement.page.number}
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.STEP["first_review"].perm)

    def has_approve_permission(self, request):
        return request.user.has_perm(workflow.STEP["approve"].perm)

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.STEP["submit"].perm)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            # A new story through its one door; the inlines are saved on obj after this.
            columns = {field.name for field in Article._meta.concrete_fields}
            created = article_create(
                user=request.user,
                credit_byline=False,
                tags=data.get("tags"),
                **{name: value for name, value in data.items() if name in columns},
            )
            obj.pk, obj._state = created.pk, created._state
            obj.refresh_from_db()
            return
        changes = {name: data[name] for name in EDIT_FIELDS if name in form.changed_data}
        if "reporter" in changes and changes["reporter"] is None:
            changes["reporter"] = request.user  # left empty: filed under the person saving it
        was_approved = obj.status == Article.Status.APPROVED  # as read under the lock (ArticleAdminForm.clean)
        tags = data.get("tags") if "tags" in form.changed_data else None
        article_edit(article=obj, user=request.user, known_version=data.get("known_version"), tags=tags, **changes)
        if was_approved and obj.status != Article.Status.APPROVED:
            self.message_user(request, REOPENED_MESSAGE, messages.WARNING)

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): the tags, the form's one many-to-many field, went through
        # article_create or article_edit with the rest of the form (save_model).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        credit_typed_byline(self, request, form)  # articles.contributors: after the inline credits, never over them

    def save_formset(self, request, form, formset, change):
        if formset.model is Photo:
            save_photo_formset(self, request, form, formset)  # through the photo services
        elif formset.model is CreditInline.model:
            save_credit_formset(self, request, form, formset)  # through the credit services
        else:
            super().save_formset(request, form, formset, change)

    def get_changeform_initial_data(self, request):
        return {"reporter": request.user.pk, **super().get_changeform_initial_data(request)}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = {}
        if article is not None:
            extra = workflow_context(request, article)
            # Buttons inside the change form save its edits with the step; a read-only story has none.
            extra["workflow_in_form"] = self.has_change_permission(request, article)
            extra["workflow_comment"] = request.POST.get("_workflow_comment", "") if request.method == "POST" else ""
            # 校对 (articles.proofing): the panel of hits above the form.
            from articles.proofing.desk import proofing_context

            extra.update(proofing_context(request, article))
            extra["uncredited"] = uncredited_warning(article)  # credits (articles.contributors): flagged for 终审
            if waits_for_its_release(article):
                extra["settled_notice"] = SETTLED_MESSAGE
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.POST.get("_workflow"):
            # Only an invalid or stale form is rendered again after a post: nothing was saved or moved.
            self.message_user(
                request,
                _("Nothing was saved and the story did not move: correct the form below, then click the button again."),
                messages.ERROR,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        step = request.POST.get("_workflow")
        if not step:
            return super().response_change(request, obj)
        # The form's edits are saved (same transaction); now the step, which the table may refuse.
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        before = obj.get_status_display()
        name = step_name(step, obj)
        try:
            if name is None:
                raise ValidationError(_("Unknown action."))
            article_step(article=obj, user=request.user, step=name, comment=request.POST.get("_workflow_comment", ""))
        except (PermissionDenied, ValidationError) as error:
            self.message_user(
                request,
                _("Your changes to “{headline}” were saved, but the story did not move: {reason}").format(
                    headline=obj.headline, reason=error_text(error)
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        self.message_user(
            request,
            _("Your changes were saved, and “{headline}”: {before} → {after}.").format(
                headline=obj.headline, before=before, after=obj.get_status_display()
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    @admin.display(description=_("printed on"))
    def printed_on(self, article: Article) -> str:
        return format_html_join(
            mark_safe("<br>"),  # the separator is escaped unless marked safe
            "{} {}",
            (
                (placement.page.issue.date.isoformat(), placement.page.label)
                for placement in article.placements.all()
            ),
        ) or "—"

    @admin.display(description=_("review history"))
    def review_history(self, article: Article) -> str:
        steps = article.transitions.select_related("actor")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    date_format(timezone.localtime(step.at), "Y-m-d H:i"),
                    person_name(step.actor),
                    step.get_action_display(),
                    step.get_from_status_display(),
                    step.get_to_status_display(),
                    step.comment,
                )
                for step in steps
            ),
        )
        if not rows:
            return _("Not yet submitted.")
        return format_html(
            '<table class="review-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("when"),
            _("by"),
            _("action"),
            _("state"),
            _("comment"),
            rows,
        )

    def _run(self, request, queryset, step_for, done_message) -> None:
        """Move each selected story exactly one step of the review table; name the refused ones."""
        done, refused = 0, []
        for article in queryset:
            try:
                article_step(article=article, user=request.user, step=step_for(article))
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(
                    _("“{headline}” was not moved: {reason}").format(
                        headline=article.headline, reason=error_text(error)
                    )
                )
        if done:
            self.message_user(request, done_message.format(count=done), messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Submit selected articles for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._run(request, queryset, lambda article: "submit", _("{count} articles submitted for review."))

    @admin.action(description=_("Pass the next review step (初审 / 二审)"), permissions=["review"])
    def pass_review_selected(self, request, queryset):
        self._run(request, queryset, workflow.next_review_pass, _("{count} articles passed review."))

    @admin.action(description=_("Give final approval (终审)"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._run(request, queryset, lambda article: "approve", _("{count} articles approved."))


def error_text(error: Exception) -> str:
    """A service's refusal as one line for a message."""
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["__str__", "credit", "article", "pending", "created_at"]
    list_filter = ["image_pending"]
    list_select_related = ["article"]
    search_fields = ["caption", "credit", "article__headline"]
    autocomplete_fields = ["article"]
    # The preview shows a grey stand-in marked 待补图片 until the real image is chosen, as on the story's page.
    readonly_fields = ["preview", "caption_correction"]
    fields = ["article", "image", "preview", "caption", "credit", "order", "caption_correction"]

    def get_urls(self):
        return photo_admin_urls(self) + super().get_urls()

    def get_queryset(self, request):
        # A reporter sees no other reporter's draft photos (caption, credit, file), here or in
        # the photo autocomplete of a page's placements; photo news belongs to the whole desk.
        photos = super().get_queryset(request)
        if sees_all_articles(request.user):
            return photos  # editors see every story, so every photo: no filter to run
        visible = visible_articles(request.user, Article.objects.all())
        return photos.filter(Q(article__isnull=True) | Q(article__in=visible.values("pk")))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a fresh class per request: the form checks the photo services' rule
        return form

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else [name for name in self.fields if name not in self.readonly_fields]

    @admin.display(description=_("preview"))
    def preview(self, photo: Photo) -> str:
        return photo_preview(photo)

    # Words, not the boolean icons: a green tick read as "fine" where it meant "still waiting".
    @admin.display(description=_("waiting for its image"), ordering="image_pending")
    def pending(self, photo: Photo) -> str:
        return format_html("<strong>{}</strong>", _("waiting for its image")) if photo.image_pending else ""

    # Whether this user may change or delete this photo now is the photo services' own rule.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_change_photo(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_change_photo(request.user, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = visible_articles(request.user, Article.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in PHOTO_FIELDS}
            saved = photo_update(photo=obj, user=request.user, **changes) if changes else obj
        else:
            saved = photo_create(
                user=request.user,
                article=data.get("article"),
                image=data["image"],
                caption=data.get("caption", ""),
                credit=data.get("credit", ""),
                order=data.get("order") or 0,
            )
        forget_stashed(data.get("image"))
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        photo_delete(photo=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        # The bulk delete action asked has_delete_permission of every photo before it got here.
        for photo in queryset:
            photo_delete(photo=photo, user=request.user)

    @admin.display(description=_("correction"))
    def caption_correction(self, photo: Photo) -> str:
        from articles.photos import can_correct_caption

        if not can_correct_caption(photo):
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:articles_photo_correct", args=[photo.pk]),
            _("Correct the caption (更正)"),
        )


# taggit's own Tag admin, with a reporter's tag list limited as the article list's tag filter is.
admin.site.unregister(Tag)


@admin.register(Tag)
class NewsroomTagAdmin(TagAdmin):
    def get_queryset(self, request):
        tags = super().get_queryset(request)
        seen = tags_seen_by(request.user)
        return tags if seen is None else tags.filter(pk__in=seen)

    def get_inlines(self, request, obj):
        # The tagged items list every story carrying the tag, drafts included.
        return super().get_inlines(request, obj) if sees_all_articles(request.user) else []
