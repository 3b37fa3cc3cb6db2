from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Photo


def may_edit(user, article: Article | None) -> bool:
    """Reporters edit their own stories; editing anyone's needs articles.edit_others_article."""
    return (
        article is None
        or user.has_perm("articles.edit_others_article")
        or article.reporter_id == user.pk
    )


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 0
    fields = [("image", "preview"), "caption", ("credit", "order")]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, photo: Photo) -> str:
        if not photo.image:
            return "—"
        return format_html('<img src="{}" alt="" style="max-height:8rem">', photo.image.url)


class ArticleAdminForm(forms.ModelForm):
    # The version the editor started from; a save from an older version is refused.
    known_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reporter" in self.fields:
            # Left empty, the story is filed under the person saving it.
            self.fields["reporter"].required = False
        if self.instance.pk:
            self.fields["known_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        with transaction.atomic():
            # Locks the row until the admin's own transaction ends, so two saves cannot interleave.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values("version", "updated_at")
                .first()
            )
        if current and current["version"] != cleaned_data.get("known_version"):
            saved = Article.objects.get(pk=self.instance.pk)
            changed = [
                str(self.fields[name].label)
                for name in ("kicker", "headline", "subheadline", "byline", "dateline", "body")
                if name in self.fields and getattr(saved, name) != cleaned_data.get(name)
            ]
            raise forms.ValidationError(
                _(
                    "Someone else saved this article while you were editing it. Your text is kept "
                    "below and was not saved. Fields that now differ from the saved version: "
                    "%(fields)s. Open the article in a new tab to see their version, merge, then save again."
                ),
                code="stale_version",
                params={"fields": "、".join(changed) or "—"},
            )
        self.instance.version = current["version"] if current else self.instance.version
        return cleaned_data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [PhotoInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "subheadline", ("byline", "dateline"), "body"]}),
        (_("Filing"), {"fields": ["tags", "reporter", "status", "known_version"]}),
    ]
    list_display = ["headline", "byline", "reporter", "status", "printed_on", "updated_at"]
    list_filter = [
        "status",
        ("placements__page__issue__date", admin.DateFieldListFilter),
        "placements__page__name",
        "reporter",
        "tags",
    ]
    list_select_related = ["reporter"]
    search_fields = ["headline", "kicker", "subheadline", "byline", "body", "tags__name"]
    autocomplete_fields = ["reporter"]
    date_hierarchy = "created_at"
    list_per_page = 50
    save_on_top = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("placements__page__issue")
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.approve_article"):
            readonly.append("status")  # a hand-posted status=approved is ignored, not obeyed
        if not request.user.has_perm("articles.edit_others_article"):
            readonly.append("reporter")  # a story is filed under the person saving it
        return readonly

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_edit(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not obj.reporter_id:
            obj.reporter = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"reporter": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("printed on"))
    def printed_on(self, article: Article) -> str:
        return format_html_join(
            "<br>",
            "{} {}",
            (
                (placement.page.issue.date.isoformat(), placement.page.label)
                for placement in article.placements.all()
            ),
        ) or "—"


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["caption", "credit", "article__headline"]
    autocomplete_fields = ["article"]

    def has_change_permission(self, request, obj=None):
        # Photo news (no article) belongs to the desk, not to one reporter.
        article = obj.article if obj is not None else None
        allowed = may_edit(request.user, article) and (
            obj is None or obj.article_id or request.user.has_perm("articles.edit_others_article")
        )
        return super().has_change_permission(request, obj) and bool(allowed)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article" and not request.user.has_perm("articles.edit_others_article"):
            kwargs["queryset"] = Article.objects.filter(reporter=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
