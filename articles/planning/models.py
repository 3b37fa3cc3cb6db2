"""Story plans (选题, 派题), the planning calendar's events, and each person's calendar-feed token."""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class StoryPlanQuerySet(models.QuerySet):
    def active(self) -> "StoryPlanQuerySet":
        """Plans still meant to run: not turned down."""
        return self.exclude(status=StoryPlan.Status.DECLINED)

    @staticmethod
    def late_q(now: datetime.datetime) -> Q:
        """Late: the deadline has passed and no story was handed in (none started, or still a draft)."""
        return (
            Q(deadline__lt=now)
            & ~Q(status=StoryPlan.Status.DECLINED)
            & (Q(article__isnull=True) | Q(article__status__in=Article.DRAFT_STATES))
        )

    def with_late(self) -> "StoryPlanQuerySet":
        """Annotate ``late`` (see late_q) in the same query."""
        return self.annotate(late=ExpressionWrapper(self.late_q(timezone.now()), output_field=BooleanField()))

    def seen_by(self, user) -> "StoryPlanQuerySet":
        """Editors and the chief see every plan; a reporter sees what they proposed or were given."""
        if user.has_perm("planning.plan_stories"):
            return self
        return self.filter(Q(proposed_by=user.pk) | Q(reporter=user.pk) | Q(photographer=user.pk))

    def for_listing(self) -> "StoryPlanQuerySet":
        """The people and the story every list of plans shows."""
        return self.select_related("reporter", "photographer", "proposed_by", "article")


class StoryPlan(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        ASSIGNED = "assigned", _("assigned")
        DECLINED = "declined", _("turned down")

    slug = models.CharField(_("slug"), max_length=80, help_text=_("A short working name for the story (稿件代号)."))
    summary = models.TextField(_("summary"), help_text=_("What the story is about, whom to see, what to ask."))
    issue_date = models.DateField(_("planned issue date"), help_text=_("The issue the story is meant for."))
    page_number = models.PositiveSmallIntegerField(
        _("planned page"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    planned_chars = models.PositiveIntegerField(
        _("planned length (字数)"),
        default=800,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("Characters: each Chinese character one, each Latin word one."),
    )
    photos_wanted = models.PositiveSmallIntegerField(
        _("photos wanted"), default=0, validators=[MaxValueValidator(50)]
    )
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("state"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    decline_reason = models.TextField(_("why it was turned down"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="story_plans",
    )
    photographer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("photographer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photo_plans",
    )
    # The story written from the plan ("start writing"); kept if the plan is ever removed.
    article = models.OneToOneField(
        Article, verbose_name=_("story"), on_delete=models.SET_NULL, null=True, blank=True, related_name="plan"
    )
    # Every change adds one: a change made from an older version is refused (two editors at once).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoryPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("story plan")
        verbose_name_plural = _("story plans")
        ordering = ["issue_date", "page_number", "pk"]
        indexes = [
            models.Index(fields=["issue_date", "page_number"], name="plan_issue_page_idx"),
            models.Index(fields=["reporter", "issue_date"], name="plan_reporter_date_idx"),
            models.Index(fields=["photographer", "issue_date"], name="plan_photographer_date_idx"),
            models.Index(fields=["status", "deadline"], name="plan_status_deadline_idx"),
        ]
        permissions = [("plan_stories", _("Can approve, assign and turn down story plans"))]

    def __str__(self) -> str:
        return self.slug


class PlanningEvent(models.Model):
    """Something known ahead that the desk plans around: an event, an anniversary, a meeting."""

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        ANNIVERSARY = "anniversary", _("anniversary")
        MEETING = "meeting", _("meeting")

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.EVENT)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("planning event")
        verbose_name_plural = _("planning events")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["date"], name="planning_event_date_idx")]

    def __str__(self) -> str:
        return self.title


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's calendar-feed address; resetting it cuts off every old subscription."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)
