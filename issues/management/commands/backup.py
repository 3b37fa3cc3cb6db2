from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from issues.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and all uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive path (default: BACKUP_DIR/newsroom-YYYYMMDD-HHMMSS.tar.gz).",
        )
        parser.add_argument(
            "--keep", type=int, default=0,
            help="Delete all but the newest KEEP archives in the backup folder afterwards (0 keeps all).",
        )

    def handle(self, *args, output, keep, **options):
        folder = Path(settings.NEWSROOM_BACKUP_DIR)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(output) if output else folder / f"newsroom-{stamp}.tar.gz"
        try:
            manifest = backup_create(output=path)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {manifest['media_files']} files "
            f"({manifest['media_bytes']} bytes) to {path}"
        )
        if keep and not output:
            for old in sorted(folder.glob("newsroom-*.tar.gz"))[:-keep]:
                old.unlink()
                self.stdout.write(f"Removed old backup {old}")
