from django.db import migrations, models


class Migration(migrations.Migration):
    # Pages grow by a dozen rows a day: a plain index builds in milliseconds.

    dependencies = [
        ("issues", "0004_hot_zones_and_page_image_renditions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="page",
            index=models.Index(fields=["image"], name="page_image_idx"),
        ),
        migrations.AddIndex(
            model_name="page",
            index=models.Index(fields=["pdf"], name="page_pdf_idx"),
        ),
    ]
