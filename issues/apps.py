from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Issues and pages")

    def ready(self) -> None:
        from issues import redaction  # noqa: F401  (a withdrawn story is masked on its pages)
        from newsroom import signals

        signals.connect()  # whole-page cache invalidation (newsroom/cache.py)
