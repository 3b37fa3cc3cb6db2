from django.db import migrations, models

from newsroom.migration_operations import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    # The article table is the biggest: both indexes are built and dropped without locking it.
    atomic = False

    dependencies = [
        ("articles", "0005_search_sort_key"),
    ]

    operations = [
        AddIndexOnline(
            model_name="article",
            index=models.Index(fields=["-created_at", "-id"], name="article_created_id_idx"),
        ),
        RemoveIndexOnline(model_name="article", name="article_created_idx"),
    ]
