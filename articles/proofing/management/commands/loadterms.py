"""manage.py loadterms: the starter word lists, or a file into a list (CSV or one term a line, UTF-8 or GBK)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.proofing.models import Category, TermList
from articles.proofing.services import term_list_save, terms_import
from articles.proofing.starter import starter_lists_load


class Command(BaseCommand):
    help = "Load the starter word lists (no arguments), or import FILE into the list --list NAME."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--list", dest="list_name", help="The list's name (made if missing).")
        parser.add_argument("--category", default=Category.BANNED, choices=[c.value for c in Category])

    def handle(self, *args, file=None, list_name=None, category=None, **options):
        if file is None:
            reports = starter_lists_load()
        else:
            if not list_name:
                raise CommandError("Name the list to import into: --list NAME.")
            term_list = TermList.objects.filter(name=list_name).first() or term_list_save(
                term_list=TermList(name=list_name, source=str(Path(file).name))
            )
            try:
                reports = {list_name: terms_import(term_list=term_list, data=Path(file).read_bytes(), category=category)}
            except ValidationError as error:
                raise CommandError(" ".join(error.messages))
        for name, report in reports.items():
            self.stdout.write(self.style.MIGRATE_HEADING(name))
            for line in report.messages():
                self.stdout.write(f"  {line}")
