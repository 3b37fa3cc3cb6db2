from django.db import migrations, models

from newsroom.migration_operations import AddIndexOnline


class Migration(migrations.Migration):
    # The photo table is big: the index is built without blocking uploads (CONCURRENTLY).
    atomic = False

    dependencies = [
        ("articles", "0006_article_created_index_with_tie_breaker"),
    ]

    operations = [
        AddIndexOnline(
            model_name="photo",
            index=models.Index(fields=["image"], name="photo_image_idx"),
        ),
    ]
