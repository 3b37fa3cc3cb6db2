"""Contributors, a story's ordered credits, the 稿费 rate tables and the monthly statements."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Contributor(models.Model):
    """A person whose name goes in bylines: a staff reporter, a 通讯员 or an outside writer."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff reporter (本报记者)")
        CORRESPONDENT = "correspondent", _("correspondent (通讯员)")
        OUTSIDE = "outside", _("outside writer or photographer")

    name = models.CharField(_("name"), max_length=50, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STAFF)
    unit = models.CharField(
        _("unit"), max_length=100, blank=True, help_text=_("Where a 通讯员 works, for example 金城镇 or 区人民医院.")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # Bank account, ID number: only the finance role sees these (view_payee).
    payee = models.TextField(
        _("payee details"), blank=True, help_text=_("Bank, account and ID number for paying 稿费. Finance only.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("desk login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributor",
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive contributors are not offered for new credits.")
    )
    public_page = models.BooleanField(
        _("public page"), default=True, help_text=_("Readers see a page listing this person's published stories.")
    )

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        ordering = ["name", "pk"]
        permissions = [("view_payee", _("Can see contributors' payee details"))]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def get_absolute_url(self) -> str:
        return reverse("contributors:contributor-detail", kwargs={"pk": self.pk})


class Credit(models.Model):
    """One name in a story's byline: a contributor (or a one-off name typed by the desk) and a role."""

    class Role(models.TextChoices):
        TEXT = "text", _("text (文)")
        PHOTO = "photo", _("photos (图/摄影)")
        VIDEO = "video", _("video (视频)")
        EDITOR = "editor", _("editor (编辑)")

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="credits",
        null=True, blank=True,
    )
    # Photo news (a photo printed by itself) is credited on the photo.
    photo = models.ForeignKey(
        "articles.Photo", verbose_name=_("photo news"), on_delete=models.CASCADE, related_name="credits",
        null=True, blank=True,
    )
    contributor = models.ForeignKey(
        Contributor, verbose_name=_("contributor"), on_delete=models.PROTECT, related_name="credits",
        null=True, blank=True,
    )
    name = models.CharField(
        _("one-off name"), max_length=50, blank=True,
        help_text=_("A name not yet among the contributors; the desk confirms it into one."),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.TEXT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("byline credit")
        verbose_name_plural = _("byline credits")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, photo__isnull=True) | Q(article__isnull=True, photo__isnull=False),
                name="credit_article_xor_photo",
                violation_error_message=_("A credit is on a story or on photo news, not both."),
            ),
            models.CheckConstraint(
                condition=Q(contributor__isnull=False, name="") | Q(contributor__isnull=True) & ~Q(name=""),
                name="credit_contributor_xor_name",
                violation_error_message=_("Choose a contributor or type a one-off name (not both)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.contributor.name if self.contributor is not None else self.name


class RateTable(models.Model):
    """稿费 rates from a start date until the next table starts: past months recompute with their own table."""

    starts_on = models.DateField(_("starts on"), unique=True, help_text=_("Stories of issues from this date on."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo_amount = models.DecimalField(
        _("per photo"), max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    front_page_extra = models.DecimalField(
        _("front page (头版) extra"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0)], help_text=_("Added to a story printed on page 1."),
    )
    commentary_extra = models.DecimalField(
        _("commentary (评论) extra"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0)], help_text=_("Added to a story tagged 评论."),
    )

    class Meta:
        verbose_name = _("rate table")
        verbose_name_plural = _("rate tables")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return _("Rates from {date}").format(date=self.starts_on.isoformat())


class RateBand(models.Model):
    """A length band: stories of this many printed characters (字数) are paid this much."""

    table = models.ForeignKey(RateTable, verbose_name=_("rate table"), on_delete=models.CASCADE, related_name="bands")
    min_chars = models.PositiveIntegerField(_("from (characters)"))
    max_chars = models.PositiveIntegerField(
        _("to (characters)"), null=True, blank=True, help_text=_("Empty: no upper limit (the last band).")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("length band")
        verbose_name_plural = _("length bands")
        ordering = ["table", "min_chars"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.max_chars is None:
            return _("{low} characters and more").format(low=self.min_chars)
        return _("{low}–{high} characters").format(low=self.min_chars, high=self.max_chars)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class Statement(models.Model):
    """A month's 稿费 once the finance office has paid it: its lines are stored and never recomputed."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    paid_at = models.DateTimeField(_("paid at"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["-month"]
        permissions = [("pay_statement", _("Can mark a month's statement as paid"))]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class StatementLine(models.Model):
    """One paid amount: a contributor's share of a story or its photos, or an adjustment after 撤稿/更正."""

    statement = models.ForeignKey(Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines")
    contributor = models.ForeignKey(
        Contributor, verbose_name=_("contributor"), on_delete=models.PROTECT, related_name="paid_lines",
        null=True, blank=True,
    )
    name = models.CharField(_("name"), max_length=50)
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    photo = models.ForeignKey(
        "articles.Photo", verbose_name=_("photo news"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=10, choices=Credit.Role.choices)
    title = models.CharField(_("story"), max_length=300)
    issue_date = models.DateField(_("issue date"))
    chars = models.PositiveIntegerField(_("characters"), default=0)
    photos = models.PositiveSmallIntegerField(_("photos"), default=0)
    band = models.CharField(_("band"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    adjustment = models.BooleanField(_("adjustment"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "name", "contributor", "issue_date", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.title} {self.amount}"
