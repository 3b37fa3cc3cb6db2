import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles.text import split_paragraphs, with_dateline
from articles.validators import validate_image_upload

# What the editor offers is what the sanitizer keeps: django-prose-editor builds
# its nh3 allowlist from this list, so a pasted <script> or onclick never reaches the page.
BODY_EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
    }
}


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def approved_q(prefix: str = "") -> Q:
        """The editorial half of the publication rule: the story has passed review."""
        return Q(**{f"{prefix}status": Article.Status.APPROVED})

    def published(self) -> "ArticleQuerySet":
        """Articles readers may see: approved, and placed in a released issue."""
        from issues.models import Placement  # issues depends on articles, not the reverse

        return self.filter(
            self.approved_q(),
            Exists(Placement.objects.released().filter(article=OuterRef("pk"))),
        )

    def with_photos(self) -> "ArticleQuerySet":
        """Prefetch photos in their printed order."""
        return self.prefetch_related(
            models.Prefetch("photos", queryset=Photo.objects.order_by("order", "pk"))
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    kicker = models.CharField(
        _("kicker"), max_length=200, blank=True, help_text=_("The line above the headline (引题).")
    )
    headline = models.CharField(_("headline"), max_length=200)
    subheadline = models.CharField(
        _("subheadline"), max_length=300, blank=True, help_text=_("The line below the headline (副题).")
    )
    byline = models.CharField(
        _("byline"),
        max_length=200,
        blank=True,
        help_text=_("Names of the reporters, separated by spaces, for example 马晓璇 左燕."),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=50,
        blank=True,
        default="本报讯",
        help_text=_("本报讯, or the place the story was filed from."),
    )
    body = ProseEditorField(_("body"), config=BODY_EDITOR_CONFIG, sanitize=True, blank=True)
    tags = TaggableManager(_("tags"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Optimistic locking: a save based on an older version is refused, never merged silently.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="article_created_idx")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("articles:article-detail", kwargs={"pk": self.pk})

    def save(self, *args, **kwargs) -> None:
        # Sanitize on every save, not only through forms: imports and scripts write here too.
        self.body = self._meta.get_field("body").sanitize(self.body)
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    @property
    def paragraphs(self) -> list[str]:
        """The body's top-level blocks as HTML: the units a jump breaks between."""
        return split_paragraphs(self.body)

    @property
    def body_with_dateline(self) -> list[str]:
        """The whole body as paragraphs, the first opened by the dateline."""
        return with_dateline(self.paragraphs, self.dateline)

    @property
    def full_headline(self) -> str:
        return " ".join(part for part in (self.kicker, self.headline, self.subheadline) if part)


def photo_upload_to(photo: "Photo", filename: str) -> str:
    # A random name: a photo of an unreleased story cannot be found by guessing its URL.
    return f"photos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Photo(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="photos",
        null=True,
        blank=True,
        help_text=_("Leave empty for photo news (图片新闻) placed on a page by itself."),
    )
    image = models.ImageField(
        _("image"),
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
    )
    width = models.PositiveIntegerField(_("width"), editable=False, null=True)
    height = models.PositiveIntegerField(_("height"), editable=False, null=True)
    caption = models.TextField(_("caption"), blank=True)
    credit = models.CharField(
        _("credit"), max_length=100, blank=True, help_text=_("The photographer, for example 记者 马晓璇.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.caption[:40] or PurePath(self.image.name).name


class SearchDocument(models.Model):
    """An article's text as search tokens, kept in step with the article by articles.search.

    The full-text index over these columns is not a model field: it is an FTS5 table on SQLite
    and a generated tsvector column on PostgreSQL, made by migrations 0002 and 0003. On SQLite, a
    migration that rebuilds this table drops the index's triggers: it must recreate them (see 0003).
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    title = models.TextField(_("title tokens"), blank=True)
    body = models.TextField(_("body tokens"), blank=True)
    # The first issue the story ran in: for ordering and the date filter, never for visibility.
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    # Newest first as one integer (issue date, then id): the full-text index stores its entries
    # under this key, so "newest first" is read off the index in order and stops after a page.
    sort_key = models.BigIntegerField(_("sort key"), unique=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.article_id)

    @staticmethod
    def make_sort_key(issue_date: "datetime.date | None", article_id: int) -> int:
        """Issue date's day number, then the article id: unique, and newest first when descending."""
        return (issue_date.toordinal() if issue_date else 0) * SORT_KEY_DAY + article_id

    @staticmethod
    def first_sort_key(day: "datetime.date") -> int:
        """The lowest sort key of a day's stories, for date ranges."""
        return day.toordinal() * SORT_KEY_DAY


# Room for ten billion article ids per day; the largest key (year 9999) still fits in 63 bits.
SORT_KEY_DAY = 10**10
