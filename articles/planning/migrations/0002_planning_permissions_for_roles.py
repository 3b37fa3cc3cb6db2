"""Reporters propose and see their plans; editors plan and assign; the chief keeps the page plans."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of what articles.roles grants for planning as of this migration.
OWN = ["planning.add_storyplan", "planning.change_storyplan", "planning.delete_storyplan",
       "planning.view_storyplan", "planning.view_planningevent"]
DESK = ["planning.plan_stories", "planning.add_planningevent", "planning.change_planningevent",
        "planning.delete_planningevent", "issues.view_pageplan", "issues.view_plannedpage"]
KEEP = ["issues.add_pageplan", "issues.change_pageplan", "issues.delete_pageplan",
        "issues.add_plannedpage", "issues.change_plannedpage", "issues.delete_plannedpage"]
GRANTS = {
    "记者 Reporter": OWN,
    "编辑 Editor": OWN + DESK,
    "值班总编 Chief editor": OWN + DESK + KEEP,
}


def _permissions(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for perm in perms:
        app_label, codename = perm.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    for label in ("planning", "issues"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.add(*_permissions(apps, GRANTS[group.name]))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GRANTS):
        group.permissions.remove(*_permissions(apps, GRANTS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_create_story_plans_events_and_calendar_tokens"),
        ("issues", "0009_page_plans_and_page_capacity"),
        ("issues", "0003_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
