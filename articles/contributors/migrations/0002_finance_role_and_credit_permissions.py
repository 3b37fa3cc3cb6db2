"""The finance role (财务), and contributor and credit permissions for the desk's roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of what articles.roles grants for contributors as of this migration.
CREDITS = ["view_contributor", "add_credit", "change_credit", "delete_credit", "view_credit"]
GRANTS = {
    "记者 Reporter": CREDITS,
    "编辑 Editor": CREDITS + ["add_contributor", "change_contributor"],
    "值班总编 Chief editor": CREDITS + ["add_contributor", "change_contributor", "delete_contributor"],
    "财务 Finance": [
        "view_contributor", "change_contributor", "view_payee",
        "add_ratetable", "change_ratetable", "view_ratetable", "view_rateband",
        "view_statement", "pay_statement",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("contributors")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="财务 Finance")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="contributors", codename__in=GRANTS[group.name])
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="contributors", codename__in=GRANTS[group.name])
        )
    Group.objects.filter(name="财务 Finance").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contributors", "0001_create_contributors_credits_rates_and_statements"),
        ("issues", "0003_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
