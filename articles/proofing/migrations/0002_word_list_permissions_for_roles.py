"""Editors may read the word lists; the chief editor keeps them (adds, changes, deletes, imports)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of what articles.roles grants for 校对 as of this migration.
GRANTS = {
    "编辑 Editor": ["view_termlist", "view_term"],
    "值班总编 Chief editor": [
        "view_termlist", "add_termlist", "change_termlist", "delete_termlist",
        "view_term", "add_term", "change_term", "delete_term",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("proofing")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="proofing", codename__in=GRANTS[group.name])
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="proofing", codename__in=GRANTS[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("proofing", "0001_create_word_lists_hits_and_waivers"),
        ("issues", "0003_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
