from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    """django.contrib.admin with the desk's own site as ``admin.site``."""

    default_site = "newsroom.admin_site.DeskSite"
