"""Remove photo uploads kept for a form that was never saved again (articles.desk.photo_forms)."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.desk.photo_forms import STASH_FOLDER, STASH_MAX_AGE


class Command(BaseCommand):
    help = "Remove kept photo uploads older than a day (run daily, e.g. from cron)."

    def handle(self, *args, **options) -> None:
        if not default_storage.exists(STASH_FOLDER):
            return
        cutoff = timezone.now() - datetime.timedelta(seconds=STASH_MAX_AGE)
        _folders, files = default_storage.listdir(STASH_FOLDER)
        removed = 0
        for name in files:
            path = f"{STASH_FOLDER}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        self.stdout.write(f"Removed {removed} kept uploads.")
