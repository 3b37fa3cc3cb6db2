from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self) -> None:
        from articles import signals  # noqa: F401  (connects the search index receivers)
        from articles.models import Article
        from newsroom.cache import register_release_schedule

        # An embargoed story (网络首发 at a set time) goes online to the second, as an issue does.
        register_release_schedule(Article.objects.next_online_after)
