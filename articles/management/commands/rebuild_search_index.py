from django.core.management.base import BaseCommand

from articles.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild every article's search document (after bulk writes that skip signals, or a restore)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} articles."))
