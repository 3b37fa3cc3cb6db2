import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import DateTimeField, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest, Least
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag

from newsroom import prepared
from newsroom.images.renditions import PHOTO_WIDTHS, Renditions, renditions_before_save
from articles.text import split_paragraphs, with_dateline
from newsroom.images.validators import validate_image_upload
from newsroom.links import link

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


# 滚动新闻 (the news front and its feeds) is the latest news: older stories are in the archive and search.
NEWS_FRONT_WINDOW = datetime.timedelta(days=60)


def tag_list_prefetch(to_article: str = "") -> models.Prefetch:
    """Tags into ``article.tag_list``, a plain list; ``to_article`` is the lookup path ("article__").

    Not ``prefetch_related("tags")``: filling a related manager's cache makes django-taggit build
    a filtered queryset per article (about half a millisecond each, 25 ms for a feed). (Taggit
    takes no custom queryset here, so the tags come in its own order.)
    """
    return models.Prefetch(f"{to_article}tags", to_attr="tag_list")


def credits_with_contributors() -> models.QuerySet:
    """The byline's credits as every reader surface reads them (articles.contributors)."""
    from articles.contributors.models import Credit  # lazy: the contributors app builds on articles

    return Credit.objects.select_related("contributor")


def photos_in_print_order() -> models.QuerySet:
    """A story's photos as the page and the story page show them."""
    return Photo.objects.order_by("order", "pk")


def credits_prefetch(to_article: str = "") -> models.Prefetch:
    """The byline's credits with their contributors; ``to_article`` as above."""
    return models.Prefetch(f"{to_article}credits", queryset=credits_with_contributors())


def last_change(released, corrected):
    """What readers last saw change: the release, or a later 更正. Not ``updated_at``, which any
    save (a demo load, a migration, a desk edit before release) moves."""
    return Greatest(released, Coalesce(corrected, released))


def published_tag_or_404(slug: str) -> Tag:
    """The tag of this slug, if a published story carries it."""
    # Only tags of published stories: a tag used only on drafts must be 404 like an unknown
    # one, or a title naming it would confirm it (and its name) exists.
    return get_object_or_404(
        Tag.objects.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk")))), slug=slug
    )


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def approved_q(prefix: str = "") -> Q:
        """The editorial half of the publication rule: the story has passed review."""
        return Q(**{f"{prefix}status": Article.Status.APPROVED})

    @staticmethod
    def online_q(prefix: str = "") -> Q:
        """The web-first half of the publication rule: released online (网络首发), its time passed."""
        return Q(**{f"{prefix}online_at__lte": prepared.now()})

    def published(self) -> "ArticleQuerySet":
        """Articles readers may see: approved, and placed in a released issue or released online."""
        from issues.models import Placement  # lazy: the publication rule is the one place articles reads issues

        return self.filter(
            self.approved_q(),
            Exists(Placement.objects.released().filter(article=OuterRef("pk"))) | self.online_q(),
        )

    def waiting_online(self, now=None) -> "ArticleQuerySet":
        """Approved stories with an embargo still ahead (定时发布): the rule's clock will release them."""
        return self.filter(self.approved_q(), online_at__gt=now or timezone.now())

    def next_online_after(self, now) -> "datetime.datetime | None":
        """When the next embargoed story goes online, if one is due after ``now`` (for the page cache)."""
        return self.waiting_online(now).aggregate(next=models.Min("online_at"))["next"]

    def with_photos(self) -> "ArticleQuerySet":
        """Prefetch photos in their printed order."""
        return self.prefetch_related(models.Prefetch("photos", queryset=photos_in_print_order()))

    def newest_first(self) -> "ArticleQuerySet":
        """Newest first by the search document's unique sort key (first issue date, then id).

        The filter matters: ordering by a reverse one-to-one alone makes a LEFT JOIN, and then
        the database sorts the whole archive (0.5 s on PostgreSQL, 5 s on SQLite at ten years)
        instead of walking the sort key's index and stopping after a page. A range on the key
        (always positive) makes the join inner, and is what gets SQLite's planner onto the index.
        """
        return self.filter(search_document__sort_key__gt=0).order_by("-search_document__sort_key")

    def with_first_release(self) -> "ArticleQuerySet":
        """Annotate when the story first reached readers: ``released_at``, the earlier of
        ``online_released_at`` (网络首发, its time passed) and ``printed_at`` (the release of the first
        released issue it ran in)."""
        from issues.models import Placement  # lazy: the publication rule is the one place articles reads issues

        first_release = (
            Placement.objects.released()
            .filter(article=OuterRef("pk"))
            .order_by("page__issue__release_at")
            .values("page__issue__release_at")[:1]
        )
        return self.annotate(
            printed_at=models.Subquery(first_release, output_field=DateTimeField()),
            online_released_at=models.Case(models.When(self.online_q(), then="online_at"), output_field=DateTimeField()),
            # Each side Coalesced into the other: LEAST with a NULL is NULL on SQLite.
            released_at=Least(
                Coalesce("online_released_at", "printed_at"), Coalesce("printed_at", "online_released_at")
            ),
        )

    def as_they_went_public(self, *, since: datetime.datetime) -> "ArticleQuerySet":
        """Stories that reached readers since ``since``, the latest first (滚动新闻): by ``released_at``.

        The sort key's index (the story's first day, online or in print) narrows the archive
        before release times are computed and compared, as the news sitemap does: ordering the
        whole archive by a computed time costs 0.3 s a year of archive on SQLite.
        """
        first_day = timezone.localdate(since) - datetime.timedelta(days=1)
        return (
            self.filter(search_document__sort_key__gte=SearchDocument.first_sort_key(first_day))
            .with_first_release()
            .filter(released_at__gte=since)
            .order_by("-released_at", "-pk")
        )

    def with_last_change(self) -> "ArticleQuerySet":
        """Annotate ``released_at`` and ``changed_at``: the first release, or a later 更正 of the story."""
        latest_correction = models.Subquery(
            Correction.objects.filter(article=OuterRef("pk")).order_by("-corrected_at").values("corrected_at")[:1],
            output_field=DateTimeField(),
        )
        return self.with_first_release().annotate(changed_at=last_change("released_at", latest_correction))

    def with_credits(self) -> "ArticleQuerySet":
        """Prefetch the byline's credits with their contributors (articles.contributors)."""
        return self.prefetch_related(credits_prefetch())

    def with_tag_list(self) -> "ArticleQuerySet":
        """Prefetch tags by name into ``article.tag_list``, a plain list."""
        return self.prefetch_related(tag_list_prefetch())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        FIRST_PASSED = "first_passed", _("first review passed")
        SECOND_PASSED = "second_passed", _("second review passed")
        APPROVED = "approved", _("approved")
        SENT_BACK = "sent_back", _("sent back")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The reporter's own hands: the article is theirs to edit until they submit it.
    DRAFT_STATES = (Status.DRAFT, Status.SENT_BACK)
    # 初审, 二审, 终审: the steps an article waits in between submission and approval.
    REVIEW_STATES = (Status.SUBMITTED, Status.FIRST_PASSED, Status.SECOND_PASSED)

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
    # 网络首发: the story goes online at this time, before or without print; set only by
    # articles.services.article_release_online after 终审. A time ahead is an embargo.
    online_at = models.DateTimeField(
        _("online release time"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Readers see the story online from this moment on, whether or not an issue has printed it."),
    )
    online_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released online by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="online_releases",
        # No index: building one locks the big article table, and only a user's deletion looks here.
        db_index=False,
    )
    # Optimistic locking: a save based on an older version is refused, never merged silently.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # A revision on every save, whoever saves (admin, services, the importer, a shell).
    history = HistoricalRecords(
        excluded_fields=["created_at"],
        history_change_reason_field=models.TextField(null=True),
        # Nothing looks revisions up by these; an index would be built under lock on a big table.
        no_db_index=["online_at", "online_by"],
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-created_at", "-pk"]
        # Matches the ordering with its tie-breaker, so the newest page of a long list is read
        # from the index instead of sorting every article.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="article_created_id_idx"),
            # The page cache asks for the next embargo after every write (next_online_after).
            models.Index(fields=["online_at"], name="article_online_at_idx"),
        ]
        permissions = [
            ("review_article", _("Can pass first and second review and send articles back")),
            ("approve_article", _("Can give articles final approval")),
            ("withdraw_article", _("Can withdraw released articles")),
            ("correct_article", _("Can correct released articles")),
            ("release_article_online", _("Can release approved articles online (网络首发)")),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return link("articles:article-detail", self.pk)

    def save(self, *args, **kwargs) -> None:
        # Sanitize on every save, not only through forms: imports and scripts write here too.
        self.body = self._meta.get_field("body").sanitize(self.body)
        # A save that only moves the article through review (update_fields without "version")
        # leaves the version alone, so an editor's open form is not made stale by a state change.
        update_fields = kwargs.get("update_fields")
        if not self._state.adding and (update_fields is None or "version" in update_fields):
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


class Transition(models.Model):
    """One step of an article through review: who moved it, when, from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted for review")
        FIRST_REVIEW = "first_review", _("passed first review")
        SECOND_REVIEW = "second_review", _("passed second review")
        APPROVE = "approve", _("approved")
        SEND_BACK = "send_back", _("sent back")
        WITHDRAW = "withdraw", _("withdrawn")
        CORRECT = "correct", _("corrected")
        EDIT = "edit", _("edited after approval")
        RESTORE = "restore", _("revision restored")
        # 校对 (articles.proofing): a proofreading hit let stand, with the reason, in the review log.
        WAIVE = "proofing_waive", _("proofreading hit waived")
        # 网络首发: released online now or at a set time (the comment says when), or the embargo called back.
        RELEASE_ONLINE = "release_online", _("released online")
        CALL_BACK_ONLINE = "online_call_back", _("online release called back")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from state"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("to state"), max_length=20, choices=Article.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="article_transitions",
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Correction(models.Model):
    """更正: a change to a released story, told to readers as a dated note at its end."""

    # A correction of photo news (a photo printed by itself) has a photo and no article.
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
        null=True,
        blank=True,
    )
    photo = models.ForeignKey(
        "Photo",
        verbose_name=_("photo"),
        on_delete=models.CASCADE,
        related_name="corrections",
        null=True,
        blank=True,
        help_text=_("The photo whose caption was corrected, if the correction is of a caption."),
    )
    note = models.TextField(
        _("correction note"),
        help_text=_("What was wrong and what it now says; readers see this under the story."),
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        related_name="article_corrections",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["corrected_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(photo__isnull=False),
                name="correction_of_article_or_photo",
                violation_error_message=_("A correction is of an article or of a photo."),
            )
        ]

    def __str__(self) -> str:
        return self.note[:40]


def photo_upload_to(photo: "Photo", filename: str) -> str:
    # A random name: a photo of an unreleased story cannot be found by guessing its URL. The
    # extension is the one of the format Pillow found (newsroom.images.validators.image_master).
    return f"photos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class PhotoQuerySet(models.QuerySet):
    def published(self) -> "PhotoQuerySet":
        """Photos readers may see: of a published article, or placed as photo news on a released page."""
        from issues.models import Placement  # lazy: the publication rule is the one place articles reads issues

        # EXISTS on the photo's own article, not article__in: an IN list is the whole set of
        # published articles, built again for every /media/ request that asks about one photo.
        return self.filter(
            Exists(Article.objects.published().filter(pk=OuterRef("article")))
            | Exists(Placement.objects.published().filter(photo=OuterRef("pk")))
        )


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
    image_pending = models.BooleanField(
        _("waiting for its image"),
        default=False,
        editable=False,
        help_text=_("Filed from a page import with its caption only: the image shown is a grey stand-in."),
    )
    # Resized copies (thumbnail, page width, retina; JPEG and WebP), made when the image is saved.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]
        permissions = [("edit_photo_news", _("Can file and edit photo news"))]
        # Every /media/ request for a photo or its renditions finds the photo by its file name.
        indexes = [models.Index(fields=["image"], name="photo_image_idx")]

    def __str__(self) -> str:
        return self.caption[:40] or PurePath(self.image.name).name

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = renditions_before_save(
            self, image_field="image", field="renditions", widths=PHOTO_WIDTHS, update_fields=kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)

    @property
    def rendition_set(self) -> Renditions:
        return Renditions(self.renditions, fallback_url=self.image.url if self.image else "")


class SearchDocument(models.Model):
    """An article's text as search tokens, kept in step with the article by articles.search.

    The full-text index over these columns is not a model field: it is an FTS5 table on SQLite
    and a generated tsvector column on PostgreSQL, made by migrations 0004 and 0005. On SQLite, a
    migration that rebuilds this table drops the index's triggers: it must recreate them (see 0005).
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


# What with_photos() and with_credits() prefetch, compiled once per process for the reader's
# views (newsroom/prepared.py): STORY_PHOTOS.attach(stories).
STORY_PHOTOS = prepared.PreparedPrefetch(Article, "photos", lambda ids: photos_in_print_order().filter(article__in=ids))
STORY_CREDITS = prepared.PreparedPrefetch(
    Article, "credits", lambda ids: credits_with_contributors().filter(article__in=ids)
)


def _story_tags(ids: list) -> models.QuerySet:
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    # By tag id: the order with_tag_list() gives on SQLite (taggit's query names none).
    return (
        TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id__in=ids)
        .select_related("tag")
        .order_by("tag_id")
    )


STORY_TAGS = prepared.PreparedQuery(_story_tags, ids=list)


def attach_tag_lists(stories: list["Article"]) -> None:
    """What with_tag_list() prefetches, from STORY_TAGS: each story's tags as ``story.tag_list``."""
    tags: dict[int, list[Tag]] = {story.pk: [] for story in stories}
    if tags:
        for item in STORY_TAGS.fetch(ids=list(tags)):
            tags[item.object_id].append(item.tag)
    for story in stories:
        story.tag_list = tags[story.pk]
