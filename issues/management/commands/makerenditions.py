from django.core.management.base import BaseCommand

from articles.models import Photo
from issues.models import Page


class Command(BaseCommand):
    help = (
        "Make the renditions (thumbnail, page width, retina; JPEG and WebP) that photos and page "
        "images lack, for instance after upgrading; with --all, remake every one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", dest="remake", action="store_true", help="Remake existing renditions too.")

    def handle(self, *args, remake: bool, **options):
        made = 0
        for queryset, field in ((Photo.objects.all(), "renditions"), (Page.objects.all(), "image_renditions")):
            queryset = queryset.exclude(image="")
            if not remake:
                queryset = queryset.filter(**{field: {}})
            for row in queryset.iterator(chunk_size=100):
                # A different recorded source makes save() remake them (and remove the old files).
                setattr(row, field, {**getattr(row, field), "source": None})
                row.save(update_fields=["image"])
                made += 1
        self.stdout.write(self.style.SUCCESS(f"Renditions made for {made} images."))
