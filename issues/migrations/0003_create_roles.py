"""Create the newsroom's roles (记者, 编辑, 值班总编) as groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of articles.roles.ROLES as of this migration.
ROLES = {
    '记者 Reporter': [
        'articles.add_article',
        'articles.change_article',
        'articles.view_article',
        'articles.add_photo',
        'articles.change_photo',
        'articles.delete_photo',
        'articles.view_photo',
        'taggit.add_tag',
        'taggit.view_tag',
    ],
    '编辑 Editor': [
        'articles.add_article',
        'articles.change_article',
        'articles.view_article',
        'articles.add_photo',
        'articles.change_photo',
        'articles.delete_photo',
        'articles.view_photo',
        'taggit.add_tag',
        'taggit.view_tag',
        'articles.review_article',
        'articles.correct_article',
        'issues.add_issue',
        'issues.change_issue',
        'issues.view_issue',
        'issues.add_page',
        'issues.change_page',
        'issues.view_page',
        'issues.add_placement',
        'issues.change_placement',
        'issues.delete_placement',
        'issues.view_placement',
        'issues.add_jump',
        'issues.change_jump',
        'issues.delete_jump',
        'issues.view_jump',
        'issues.add_teaser',
        'issues.change_teaser',
        'issues.delete_teaser',
        'issues.view_teaser',
        'issues.preview_issue',
    ],
    '值班总编 Chief editor': [
        'articles.add_article',
        'articles.change_article',
        'articles.view_article',
        'articles.add_photo',
        'articles.change_photo',
        'articles.delete_photo',
        'articles.view_photo',
        'taggit.add_tag',
        'taggit.view_tag',
        'articles.review_article',
        'articles.correct_article',
        'issues.add_issue',
        'issues.change_issue',
        'issues.view_issue',
        'issues.add_page',
        'issues.change_page',
        'issues.view_page',
        'issues.add_placement',
        'issues.change_placement',
        'issues.delete_placement',
        'issues.view_placement',
        'issues.add_jump',
        'issues.change_jump',
        'issues.delete_jump',
        'issues.view_jump',
        'issues.add_teaser',
        'issues.change_teaser',
        'issues.delete_teaser',
        'issues.view_teaser',
        'issues.preview_issue',
        'articles.approve_article',
        'articles.withdraw_article',
        'issues.sign_off_page',
        'issues.release_issue',
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations run; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("articles", "0002_review_states_history_corrections"),
        ("issues", "0002_sign_off_and_release"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
