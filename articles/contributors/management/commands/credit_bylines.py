from django.core.management.base import BaseCommand
from django.db import transaction

from articles.contributors.services import credits_from_byline, credits_from_photo_credit
from articles.models import Article, Photo


class Command(BaseCommand):
    help = (
        "Turn free-text bylines and photo credit lines into credits, matching names to contributors; "
        "report the names it could not match (safe to run again: stories with credits are left alone)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        credited = 0
        unmatched: dict[str, int] = {}
        skipped: set[str] = set()
        uncredited = []
        for article in Article.objects.filter(credits__isnull=True).prefetch_related("photos").iterator(chunk_size=500):
            report = credits_from_byline(article=article)
            credited += bool(report.matched or report.unmatched)
            if not (report.matched or report.unmatched):
                uncredited.append(article)
            for name in report.unmatched:
                unmatched[name] = unmatched.get(name, 0) + 1
            skipped.update(report.skipped)
        for photo in Photo.objects.filter(article__isnull=True, credits__isnull=True).exclude(credit=""):
            report = credits_from_photo_credit(photo=photo)
            for name in report.unmatched:
                unmatched[name] = unmatched.get(name, 0) + 1
        self.stdout.write(f"Credited {credited} stories from their bylines.")
        if unmatched:
            self.stdout.write(
                "Names matching no single contributor (left as one-off names for the desk to confirm): "
                + ", ".join(f"{name} ({count})" for name, count in sorted(unmatched.items()))
            )
        if skipped:
            self.stdout.write("Signatures naming no person: " + ", ".join(sorted(skipped)))
        if uncredited:
            self.stdout.write(f"{len(uncredited)} stories have no byline to read: credit them at the desk.")
