"""Give the editor and chief editor roles the new photo news permission (articles.edit_photo_news)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen: the roles that file and edit photo news as of this migration (articles.roles keeps the current list).
GROUPS = ["编辑 Editor", "值班总编 Chief editor"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations run; this one is needed now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.get(content_type__app_label="articles", codename="edit_photo_news")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.filter(content_type__app_label="articles", codename="edit_photo_news").first()
    if permission is not None:
        for group in Group.objects.filter(name__in=GROUPS):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_photo_caption_corrections_and_photo_news_permission"),
        ("issues", "0003_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
