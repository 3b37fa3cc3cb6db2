from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and uploaded files with those of a backup archive (from `backup`)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz written by `manage.py backup`.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive",
            help="Do not ask for confirmation (for scripts).",
        )

    def handle(self, *args, archive, interactive, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such backup: {path}")
        if interactive:
            answer = input(
                f"This replaces ALL articles, issues, users and uploaded files with the contents of {path}.\n"
                "Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest = backup_restore(archive_path=path)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was changed.")
        self.stdout.write(
            f"Restored the {manifest['engine']} database and {manifest['media_files']} files "
            f"from the backup of {manifest['created_at']}."
        )
