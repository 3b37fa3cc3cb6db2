"""Editors and the chief may delete a page of an open issue (a page added by mistake blocks the release)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["编辑 Editor", "值班总编 Chief editor"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("issues")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    delete_page = Permission.objects.get(content_type__app_label="issues", codename="delete_page")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(delete_page)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    delete_page = Permission.objects.filter(content_type__app_label="issues", codename="delete_page").first()
    if delete_page is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
            group.permissions.remove(delete_page)


class Migration(migrations.Migration):
    dependencies = [("issues", "0007_page_files_withheld_after_a_withdrawal")]

    operations = [migrations.RunPython(grant, revoke)]
