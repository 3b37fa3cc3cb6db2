from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps  # the module: its AdminConfig would count as a default here
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    """The platform under both apps: its management commands (backup, restore) live here."""

    name = "newsroom"
    verbose_name = _("newsroom")
    default = True


class DeskAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the desk's own site as ``admin.site``."""

    default = False
    default_site = "newsroom.admin_site.DeskSite"
