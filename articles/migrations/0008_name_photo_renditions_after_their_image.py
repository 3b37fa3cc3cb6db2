from django.db import migrations

from newsroom.images.renditions import rename_renditions


def rename(apps, schema_editor):
    rename_renditions(apps.get_model("articles", "Photo"), "renditions")


class Migration(migrations.Migration):
    # Batches of photos, each in its own transaction: the version still serving keeps reading
    # them (it finds renditions by the names in the JSON, old or new). Going back needs nothing.
    atomic = False

    dependencies = [
        ("articles", "0007_photo_image_index"),
    ]

    operations = [
        migrations.RunPython(rename, migrations.RunPython.noop, elidable=True),
    ]
