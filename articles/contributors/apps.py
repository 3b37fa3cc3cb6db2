from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributorsConfig(AppConfig):
    """The people behind the bylines: contributors, credits, 稿费 rate tables and the monthly statement."""

    name = "articles.contributors"
    label = "contributors"
    verbose_name = _("Contributors and 稿费")
