from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsroom.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and all uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive path, or a folder to write newsroom-YYYYMMDD-HHMMSS.tar.gz into "
            "(default: the folder NEWSROOM_BACKUP_DIR).",
        )
        parser.add_argument(
            "--keep", type=int, default=0,
            help="Delete all but the newest KEEP archives in the backup folder afterwards (0 keeps all).",
        )

    def handle(self, *args, output, keep, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        into_folder = not output or output.endswith("/") or Path(output).is_dir()
        folder = Path(output or settings.NEWSROOM_BACKUP_DIR) if into_folder else None
        path = folder / f"newsroom-{stamp}.tar.gz" if into_folder else Path(output)
        if not isinstance(default_storage, FileSystemStorage):
            self.stderr.write(
                "Uploaded files live in the object store, not on this disk: this archive holds the "
                "database only. Keep the bucket's own versioning or replication on."
            )
        try:
            manifest = backup_create(output=path)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"Backed up the {manifest['engine']} database and {manifest['media_files']} files "
            f"({manifest['media_bytes']} bytes) to {path}"
        )
        if keep and into_folder:
            for old in sorted(folder.glob("newsroom-*.tar.gz"))[:-keep]:
                old.unlink()
                self.stdout.write(f"Removed old backup {old}")
