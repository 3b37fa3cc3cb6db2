from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProofingConfig(AppConfig):
    """校对: word lists, rules, hits on every story, waivers, and the gate before 终审 and release."""

    name = "articles.proofing"
    label = "proofing"
    verbose_name = _("Proofreading")

    def ready(self) -> None:
        from articles.proofing import signals  # noqa: F401  (proofing_check on every article save)
