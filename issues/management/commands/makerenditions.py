from django.core.management.base import BaseCommand

from articles.models import Photo
from newsroom.images.renditions import named_after_source, rename_renditions
from issues.models import Page

BATCH = 500


class Command(BaseCommand):
    help = (
        "Make the renditions (thumbnail, page width, retina; JPEG and WebP) that photos and page "
        "images lack or that were made from another image, and rename those still under random "
        "names, for instance after upgrading; with --all, remake every one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", dest="remake", action="store_true", help="Remake existing renditions too.")

    def handle(self, *args, remake: bool, **options):
        renamed = made = 0
        for model, field in ((Photo, "renditions"), (Page, "image_renditions")):
            if not remake:
                # Renditions from before their names were derived (saved by the old version
                # while the upgrade's migrations ran): a rename, no image is decoded.
                renamed += rename_renditions(model, field)
            rows = model.objects.exclude(image="").values_list("pk", "image", field)
            wanted = [
                pk
                for pk, image, renditions in rows.iterator(chunk_size=2000)
                if remake or renditions.get("source") != image or not named_after_source(renditions)
            ]
            for start in range(0, len(wanted), BATCH):
                for row in model.objects.filter(pk__in=wanted[start : start + BATCH]):
                    # A different recorded source makes save() remake them (and remove the old files).
                    setattr(row, field, {**getattr(row, field), "source": None})
                    row.save(update_fields=["image"])
                    made += 1
        self.stdout.write(
            self.style.SUCCESS(f"Renditions made for {made} images, renamed for {renamed}.")
        )
