from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Issues and pages")

    def ready(self) -> None:
        # A story leaving 'approved' unsigns its open pages; a withdrawn one is masked on its pages.
        from issues import story_changes  # noqa: F401
        from issues.models import Issue
        from newsroom import signals
        from newsroom.cache import register_release_schedule

        signals.connect()  # whole-page cache invalidation (newsroom/cache.py)
        # A cached page lives until the next scheduled issue goes out.
        register_release_schedule(Issue.objects.next_release_after)
