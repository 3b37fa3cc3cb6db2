from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """选题 and 派题: story plans before a story is written, the 稿单, the planning calendar."""

    name = "articles.planning"
    label = "planning"
    verbose_name = _("Planning")
