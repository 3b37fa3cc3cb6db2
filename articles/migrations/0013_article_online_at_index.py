from django.db import migrations, models

from newsroom.migration_operations import AddIndexOnline


class Migration(migrations.Migration):
    # The article table is big: the index is built without blocking the desk (CONCURRENTLY).
    atomic = False

    dependencies = [
        ("articles", "0012_article_online_release"),
    ]

    operations = [
        # The page cache asks for the next embargoed story after every write (next_online_after).
        AddIndexOnline(
            model_name="article",
            index=models.Index(fields=["online_at"], name="article_online_at_idx"),
        ),
    ]
