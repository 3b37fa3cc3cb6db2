import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles.models import Article, ArticleQuerySet, Photo, credits_prefetch, photos_in_print_order
from newsroom import prepared
from newsroom.images.renditions import PAGE_WIDTHS, Renditions, renditions_before_save
from newsroom.images.validators import validate_image_upload
from newsroom.links import link
from issues.pdf import validate_page_pdf
from issues.numerals import page_label

MAX_PAGES = 99


class IssueQuerySet(models.QuerySet):
    @staticmethod
    def released_q(prefix: str = "") -> Q:
        """The time half of the publication rule: the issue's release time has passed."""
        return Q(**{f"{prefix}release_at__lte": prepared.now()})

    def released(self) -> "IssueQuerySet":
        """Issues readers may see: their release time has passed."""
        return self.filter(self.released_q())

    def unreleased(self) -> "IssueQuerySet":
        """Issues readers cannot see yet: open on the desk, or scheduled (the rule's other side)."""
        return self.exclude(self.released_q())

    @staticmethod
    def open_q(prefix: str = "") -> Q:
        """Issues with no release time: the desk may change them."""
        return Q(**{f"{prefix}release_at__isnull": True})

    def open(self) -> "IssueQuerySet":
        """Issues with no release time: the desk may change them."""
        return self.filter(self.open_q())

    def not_open(self) -> "IssueQuerySet":
        """Issues released or scheduled: only a correction, a withdrawal or a call-back changes them."""
        return self.exclude(self.open_q())

    def next_release_after(self, now) -> "datetime.datetime | None":
        """When the next scheduled issue goes out, if one is scheduled after ``now``."""
        return self.filter(release_at__gt=now).aggregate(next=models.Min("release_at"))["next"]

    def with_neighbours(self) -> "IssueQuerySet":
        """Annotate the dates of the previous and next released issue, in the same query."""
        released = Issue.objects.released()
        return self.annotate(
            previous_date=Subquery(
                released.filter(date__lt=OuterRef("date")).order_by("-date").values("date")[:1]
            ),
            next_date=Subquery(
                released.filter(date__gt=OuterRef("date")).order_by("date").values("date")[:1]
            ),
        )


class Issue(models.Model):
    date = models.DateField(_("publication date"), unique=True)
    number = models.PositiveIntegerField(_("issue number"), help_text=_("第N期: the number of the issue this year."))
    total_number = models.PositiveIntegerField(
        _("cumulative number"), help_text=_("总第N期: the number since the paper's first issue.")
    )
    # Empty until the chief editor releases the issue; a time in the future schedules it.
    release_at = models.DateTimeField(
        _("release time"),
        null=True,
        blank=True,
        help_text=_("Readers see the issue from this moment on; until then it is invisible to them."),
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="released_issues",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["total_number"], name="issue_total_number_unique"),
        ]
        indexes = [models.Index(fields=["release_at", "date"], name="issue_release_idx")]
        permissions = [
            ("release_issue", _("Can release and schedule issues")),
            ("preview_issue", _("Can preview unreleased issues")),
        ]

    def __str__(self) -> str:
        return _("%(date)s, No. %(number)s") % {
            "date": date_format(self.date, "DATE_FORMAT"),
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return link("issues:issue-detail", self.date)


def page_file_upload_to(page: "Page", filename: str) -> str:
    # Random names: the files of an unreleased page cannot be found by guessing.
    return f"pages/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class PageQuerySet(models.QuerySet):
    def released(self) -> "PageQuerySet":
        """Pages of released issues."""
        return self.filter(IssueQuerySet.released_q("issue__"))


class Page(models.Model):
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pages"
    )
    number = models.PositiveSmallIntegerField(
        _("page number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGES)]
    )
    name = models.CharField(_("page name"), max_length=50, help_text=_("For example 要闻, 综合新闻, 专题新闻."))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("page editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_pages",
        help_text=_("责任编辑: the editor responsible for this page."),
    )
    image = models.ImageField(
        _("page image"),
        upload_to=page_file_upload_to,
        blank=True,
        validators=[validate_image_upload],
        help_text=_("The printed page as an image (JPEG or PNG)."),
    )
    pdf = models.FileField(
        _("page PDF"),
        upload_to=page_file_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_page_pdf],
        help_text=_("The printed page as a PDF. Uploaded without an image, it is rendered into the page image."),
    )
    # Resized copies of the page image (版面导航 thumbnail, page width, retina), made when it is saved.
    image_renditions = models.JSONField(_("page image renditions"), default=dict, blank=True, editable=False)
    # 撤稿 of a story on a released page (issues/redaction.py): the image and PDF as printed, kept
    # for the desk and never served to readers, and when a withdrawal last masked the page.
    printed_image = models.ImageField(
        _("page image as printed"), upload_to=page_file_upload_to, blank=True, editable=False
    )
    withheld_pdf = models.FileField(
        _("page PDF withheld after a withdrawal"), upload_to=page_file_upload_to, blank=True, editable=False
    )
    slogans = models.TextField(
        _("banner slogans"),
        blank=True,
        help_text=_("Banner lines printed across the page, one block per paragraph."),
    )
    # 值班总编签发: who attested the page as it stands; every change through issues.services clears it.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_off_pages",
        editable=False,
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True, editable=False)
    # 版面容量 (issue #14): copied from the page plan when the issue is made; editable per page.
    capacity_chars = models.PositiveIntegerField(
        _("capacity in characters"),
        null=True,
        blank=True,
        help_text=_("How many characters (字数) of text the page holds; empty for no fit check."),
    )
    photo_area = models.PositiveSmallIntegerField(
        _("photo area (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of the page planned for photos, as an estimate."),
    )
    # 超版 released anyway: the chief's reason, who and when, and the 字数 it was given for (a later
    # change to what the page carries makes the page's fit a problem again). Set by page_fit_waive.
    fit_waiver_reason = models.TextField(_("reason the page may run over"), blank=True, editable=False)
    fit_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overrun allowed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    fit_waived_at = models.DateTimeField(_("overrun allowed at"), null=True, blank=True, editable=False)
    fit_waived_chars = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("print page", "page")
        verbose_name_plural = _("pages")
        ordering = ["issue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="page_number_unique_in_issue"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_PAGES), name="page_number_in_range"
            ),
        ]
        # Every /media/ request for a page's image, PDF or renditions finds the page by a file name.
        indexes = [
            models.Index(fields=["image"], name="page_image_idx"),
            models.Index(fields=["pdf"], name="page_pdf_idx"),
            models.Index(fields=["printed_image"], name="page_printed_image_idx"),
            models.Index(fields=["withheld_pdf"], name="page_withheld_pdf_idx"),
        ]
        permissions = [("sign_off_page", _("Can sign off pages"))]

    def __str__(self) -> str:
        return f"{self.issue} {self.label} {self.name}"

    def get_absolute_url(self) -> str:
        return link("issues:page-detail", self.issue.date, self.number)

    @property
    def label(self) -> str:
        """第十二版 / Page 12."""
        return page_label(self.number)

    @property
    def slogan_list(self) -> list[str]:
        return [block.strip() for block in self.slogans.split("\n\n") if block.strip()]

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = renditions_before_save(
            self, image_field="image", field="image_renditions", widths=PAGE_WIDTHS, update_fields=kwargs.get("update_fields")
        )
        super().save(*args, **kwargs)

    @property
    def is_redacted(self) -> bool:
        """A withdrawn story was taken off this page: its printed files are kept aside for staff."""
        return bool(self.printed_image or self.withheld_pdf)

    @property
    def image_rendition_set(self) -> Renditions:
        return Renditions(self.image_renditions, fallback_url=self.image.url if self.image else "")


class PlacementQuerySet(models.QuerySet):
    def released(self) -> "PlacementQuerySet":
        """Placements on released pages (whatever the story's state)."""
        return self.filter(IssueQuerySet.released_q("page__issue__"))

    def published(self) -> "PlacementQuerySet":
        """Placements readers may see: on a released page, and either photo news or an approved story."""
        return self.released().filter(
            Q(article__isnull=True) | ArticleQuerySet.approved_q("article__")
        )

    def for_reading(self, *, photos: bool = True, credits: bool = True) -> "PlacementQuerySet":
        """Everything a page shows for a placement, in one query plus prefetches of photos and byline credits.

        ``photos=False`` leaves the stories' photos to be fetched for the stories a page draws
        (not those whose part it has stored: newsroom.fragments); ``credits=False`` leaves the
        credits to ``articles.models.STORY_CREDITS``.
        """
        placements = self.select_related("article", "photo", "jump")
        if credits:
            placements = placements.prefetch_related(credits_prefetch("article__"))
        return placements.prefetch_related(story_photos()) if photos else placements


def story_photos() -> models.Prefetch:
    """Prefetch placed stories' photos in their printed order."""
    return models.Prefetch("article__photos", queryset=photos_in_print_order())


class Placement(models.Model):
    """A story (or a photo standing alone as photo news) on a page, in reading order."""

    page = models.ForeignKey(
        Page, verbose_name=pgettext_lazy("print page", "page"), on_delete=models.CASCADE, related_name="placements"
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="placements",
        null=True,
        blank=True,
    )
    photo = models.ForeignKey(
        Photo,
        verbose_name=_("photo news"),
        on_delete=models.CASCADE,
        related_name="placements",
        null=True,
        blank=True,
        help_text=_("A photo printed by itself with its caption (图片新闻), instead of an article."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The paragraphs this page carried when its text was imported; None until that page is
    # imported (a placeholder made for a jump or a teaser). Lets an import rebuild the body.
    imported_paragraphs = models.JSONField(
        _("imported paragraphs"), null=True, blank=True, editable=False
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["page", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, photo__isnull=True)
                | Q(article__isnull=True, photo__isnull=False),
                name="placement_article_xor_photo",
                violation_error_message=_("Place either an article or a photo, not both."),
            ),
            models.UniqueConstraint(
                fields=["page", "article"],
                condition=Q(article__isnull=False),
                name="placement_article_once_per_page",
                violation_error_message=_("This article is already on this page."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page.label}: {self.article or self.photo}"


class Jump(models.Model):
    """转版: the story's part on one page breaks off and goes on on a later page of the same issue."""

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("part that breaks off"),
        on_delete=models.CASCADE,
        related_name="jump",
    )
    to_page = models.ForeignKey(
        Page,
        verbose_name=_("continued on page"),
        on_delete=models.CASCADE,
        related_name="incoming_jumps",
    )
    after_paragraph = models.PositiveSmallIntegerField(
        _("breaks after paragraph"),
        validators=[MinValueValidator(1)],
        help_text=_("How many paragraphs of the story, counted from its start, are printed before the jump line."),
    )

    class Meta:
        verbose_name = _("jump")
        verbose_name_plural = _("jumps")
        ordering = ["placement__page__number"]

    def __str__(self) -> str:
        return _("%(headline)s: %(from)s → %(to)s") % {
            "headline": self.placement.article,
            "from": self.placement.page.label,
            "to": self.to_page.label,
        }

    def clean(self) -> None:
        if self.placement_id is None or self.to_page_id is None:
            return  # the field errors already say what is missing
        placement = self.placement
        if placement.article_id is None:
            raise ValidationError(_("Only an article can jump to another page, not photo news."))
        if self.to_page.issue_id != placement.page.issue_id:
            raise ValidationError({"to_page": _("A story can only continue within its own issue.")})
        if self.to_page.number <= placement.page.number:
            raise ValidationError({"to_page": _("A story continues on a later page.")})
        paragraph_count = len(placement.article.paragraphs)
        # Breaking after the last paragraph is allowed: the continuation is still to be written.
        if self.after_paragraph > paragraph_count:
            raise ValidationError(
                {
                    "after_paragraph": _(
                        "The story has %(count)s paragraphs: it cannot break after paragraph %(after)s."
                    )
                    % {"count": paragraph_count, "after": self.after_paragraph}
                }
            )


class Teaser(models.Model):
    """导读: a line on one page pointing at a story placed elsewhere in the same issue."""

    page = models.ForeignKey(
        Page, verbose_name=pgettext_lazy("print page", "page"), on_delete=models.CASCADE, related_name="teasers"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="teasers"
    )
    label = models.CharField(
        _("label"), max_length=50, blank=True, help_text=_("The section or column, for example 综合新闻.")
    )
    headline = models.CharField(
        _("teaser headline"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the article's headline."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("teaser")
        verbose_name_plural = _("teasers")
        ordering = ["page", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "article"],
                name="teaser_article_once_per_page",
                violation_error_message=_("This page already carries a teaser for this article."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_headline

    @property
    def display_headline(self) -> str:
        return self.headline or self.article.headline


class HotZone(models.Model):
    """A clickable area on the page image that opens one story, stored as fractions of the page."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("story on the page"),
        on_delete=models.CASCADE,
        related_name="hot_zones",
    )
    # Fractions of the page's width and height (0..1), so the zone fits every rendition.
    x = models.FloatField(_("left"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    y = models.FloatField(_("top"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    width = models.FloatField(_("width"), validators=[MinValueValidator(0.001), MaxValueValidator(1)])
    height = models.FloatField(_("height"), validators=[MinValueValidator(0.001), MaxValueValidator(1)])

    class Meta:
        verbose_name = _("hot zone")
        verbose_name_plural = _("hot zones")
        ordering = ["placement", "y", "x", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(x__gte=0, x__lte=1), name="hotzone_x_in_page"),
            models.CheckConstraint(condition=Q(y__gte=0, y__lte=1), name="hotzone_y_in_page"),
            models.CheckConstraint(condition=Q(width__gt=0, width__lte=1), name="hotzone_width_in_page"),
            models.CheckConstraint(condition=Q(height__gt=0, height__lte=1), name="hotzone_height_in_page"),
            # The slack absorbs float rounding of a zone drawn right up to the page's edge.
            models.CheckConstraint(
                condition=Q(x__lte=1.000001 - F("width"), y__lte=1.000001 - F("height")),
                name="hotzone_inside_page",
                violation_error_message=_("The zone reaches past the edge of the page."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(story)s at %(x)d%%, %(y)d%%") % {
            "story": self.placement.article or self.placement.photo,
            "x": round(self.x * 100),
            "y": round(self.y * 100),
        }

    def clean(self) -> None:
        if None in (self.x, self.y, self.width, self.height):
            return  # the field errors already say what is missing
        if self.x + self.width > 1.000001 or self.y + self.height > 1.000001:
            raise ValidationError(_("The zone reaches past the edge of the page."))

    @property
    def box(self) -> tuple[str, str, str, str]:
        """The zone in the overlay's 0..1000 coordinates (left, top, width, height), unlocalized."""
        return tuple(f"{value * 1000:.1f}" for value in (self.x, self.y, self.width, self.height))


class PagePlanQuerySet(models.QuerySet):
    def for_date(self, date: datetime.date) -> "PagePlan | None":
        """The standing layout for this day: one naming the date itself, else one for its weekday."""
        plans = list(self.filter(active=True).order_by("pk"))
        for plan in plans:
            if date in plan.special_dates:
                return plan
        for plan in plans:
            if str(date.isoweekday()) in plan.weekdays:
                return plan
        return None


def validate_weekdays(value: str) -> None:
    if not set(value) <= set("1234567"):
        raise ValidationError(_("Weekdays are digits 1 (Monday) to 7 (Sunday), for example 12345."))


def validate_special_dates(value: str) -> None:
    for line in value.split():
        try:
            datetime.date.fromisoformat(line)
        except ValueError:
            raise ValidationError(
                _("“{line}” is not a date: write one date a line, as 2026-10-01.").format(line=line)
            ) from None


class PagePlan(models.Model):
    """A paper's standing layout (四开八版, 周末四版…): the pages every issue of its days starts with."""

    name = models.CharField(_("layout name"), max_length=50, help_text=_("For example 四开八版."))
    weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        blank=True,
        validators=[validate_weekdays],
        help_text=_("The days of the week it is used, 1 (Monday) to 7 (Sunday): 12345 for weekdays."),
    )
    dates = models.TextField(
        _("special days"),
        blank=True,
        validators=[validate_special_dates],
        help_text=_("Dates it is used whatever the weekday, one a line (2026-10-01); they win over weekdays."),
    )
    active = models.BooleanField(_("in use"), default=True)

    objects = PagePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("page plan")
        verbose_name_plural = _("page plans")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def special_dates(self) -> set[datetime.date]:
        return {datetime.date.fromisoformat(line) for line in self.dates.split() if line}


class PlannedPage(models.Model):
    """One page of a standing layout: its number, name, editor and capacity."""

    plan = models.ForeignKey(PagePlan, verbose_name=_("page plan"), on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField(
        _("page number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PAGES)]
    )
    name = models.CharField(_("page name"), max_length=50)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("page editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity_chars = models.PositiveIntegerField(_("capacity in characters"), null=True, blank=True)
    photo_area = models.PositiveSmallIntegerField(
        _("photo area (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("planned page")
        verbose_name_plural = _("planned pages")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planned_page_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{page_label(self.number)} {self.name}"
