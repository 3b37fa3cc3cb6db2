from django.db import migrations

from newsroom.images.renditions import rename_renditions


def rename(apps, schema_editor):
    rename_renditions(apps.get_model("issues", "Page"), "image_renditions")


class Migration(migrations.Migration):
    # As articles 0008: batches in their own transactions; going back needs nothing.
    atomic = False

    dependencies = [
        ("issues", "0005_page_file_indexes"),
    ]

    operations = [
        migrations.RunPython(rename, migrations.RunPython.noop, elidable=True),
    ]
