"""校对's tables: the paper's word lists, the hits found in each story, and the waivers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a hit is: a list entry's category, or the rule that found it."""

    # Word-list categories
    SENSITIVE = "sensitive", _("sensitive term (敏感词)")
    BANNED = "banned", _("banned term (禁用词)")
    CARE = "care", _("use with care (慎用词)")
    STANDARD = "standard", _("standard wording (规范表述)")
    TYPO = "typo", _("common typo (常见错别字)")
    # Rules that need no list
    PUNCTUATION = "punctuation", _("punctuation (标点)")
    NUMBER = "number", _("numbers (数字用法)")
    TRADITIONAL = "traditional", _("traditional character (繁体字)")
    REPEAT = "repeat", _("doubled character (重复字)")
    DATE = "date", _("impossible date (日期)")


LIST_CATEGORIES = (Category.SENSITIVE, Category.BANNED, Category.CARE, Category.STANDARD, Category.TYPO)


class TermList(models.Model):
    """One word list the paper keeps (the starter lists, or its own); its version names its automaton."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where the entries come from, so an editor can check them.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active lists are checked."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("When two lists hold the same term, the first list's entry is used.")
    )
    # Raised by every service that changes the list or its terms: the checker rebuilds on a new version.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("word list")
        verbose_name_plural = _("word lists")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """One entry of a word list: the term, what it is, what to write instead, and whether it blocks 终审."""

    term_list = models.ForeignKey(
        TermList, verbose_name=_("word list"), on_delete=models.CASCADE, related_name="terms"
    )
    text = models.CharField(_("term"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=[(c.value, c.label) for c in LIST_CATEGORIES])
    replacement = models.CharField(_("suggested replacement"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    blocking = models.BooleanField(
        _("blocks approval"), default=False, help_text=_("终审 and the issue's release wait until it is fixed or waived.")
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["term_list", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["term_list", "text"],
                name="proofing_term_unique_in_list",
                violation_error_message=_("This list already has this term."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="proofing_term_not_empty", violation_error_message=_("A term cannot be empty.")
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Waiver(models.Model):
    """An editor's decision that a hit stands as written: who, when, why. Logged in the review log too."""

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="proofing_waivers"
    )
    # What was waived: a list entry or a rule, and the text it matched (every occurrence of it in the story).
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.SET_NULL, null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=30, blank=True)
    matched = models.CharField(_("matched text"), max_length=200)
    reason = models.TextField(_("reason"))
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("waived by"), on_delete=models.PROTECT, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived at"), default=timezone.now)

    class Meta:
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        ordering = ["waived_at", "pk"]

    def __str__(self) -> str:
        return self.matched


class HitQuerySet(models.QuerySet):
    def open(self) -> "HitQuerySet":
        """Hits neither fixed nor waived: what the error rate counts and, if blocking, what holds 终审."""
        return self.filter(waiver__isnull=True)


class Hit(models.Model):
    """One place in a story where a list entry or a rule matched, as computed by proofing_check."""

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="proofing_hits"
    )
    # "kicker", "headline", "subheadline", "body", or "caption:<photo id>"
    field = models.CharField(_("where"), max_length=40)
    # Offsets in the field's plain text (the body's text nodes joined without separators).
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    matched = models.CharField(_("matched text"), max_length=200)
    before = models.CharField(_("text before"), max_length=40, blank=True)
    after = models.CharField(_("text after"), max_length=40, blank=True)
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    suggestion = models.CharField(_("suggestion"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    blocking = models.BooleanField(_("blocks approval"), default=False)
    waiver = models.ForeignKey(Waiver, verbose_name=_("waiver"), on_delete=models.SET_NULL, null=True, blank=True)

    objects = HitQuerySet.as_manager()

    class Meta:
        verbose_name = _("proofreading hit")
        verbose_name_plural = _("proofreading hits")
        ordering = ["article", "pk"]
        indexes = [models.Index(fields=["article", "blocking"], name="proofing_hit_article_idx")]

    def __str__(self) -> str:
        return self.matched


class ArticleCheck(models.Model):
    """When a story was last checked, against which lists, and how many characters it has."""

    article = models.OneToOneField(
        "articles.Article", verbose_name=_("article"), on_delete=models.CASCADE, primary_key=True,
        related_name="proofing_check",
    )
    characters = models.PositiveIntegerField(_("characters"), default=0)
    lists = models.CharField(_("list versions"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("proofreading check")
        verbose_name_plural = _("proofreading checks")

    def __str__(self) -> str:
        return str(self.article_id)
