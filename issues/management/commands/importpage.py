"""Import pages exported by the layout system, as text or as page PDFs: one file, or a folder of them."""

import datetime
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from issues.importer import PageImport, describe_import, import_parsed_page, page_import_pdf
from issues.models import MAX_PAGES
from issues.numerals import page_label, pages_label
from issues.pagetext import PageTextError, parse_page_text, read_page_bytes

# 2020-12-03-p1.txt, or 2020-12-03-p2-综合新闻.txt to name the page too; .pdf for a page PDF.
PAGE_FILE_NAME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})-p(?P<page>\d{1,2})(?:-(?P<name>[^.]+))?\.(?:txt|pdf)$", re.I
)
OPENING_WORDS = 24


@dataclass
class PageFile:
    """One file to import and the page it is the text of."""

    path: Path
    date: datetime.date
    page: int
    name: str = ""


def page_file(path: Path) -> PageFile | None:
    """The date, page number and name a file's name gives (2020-12-03-p1.txt), or None."""
    match = PAGE_FILE_NAME.match(path.name)
    if not match:
        return None
    try:
        date = datetime.date.fromisoformat(match["date"])
    except ValueError:
        return None
    number = int(match["page"])
    if not 1 <= number <= MAX_PAGES:
        return None
    return PageFile(path=path, date=date, page=number, name=(match["name"] or "").strip())


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Import a page's exported text (or its PDF, with hot zones) as draft stories, with jumps "
        "and teasers. PATH is one file "
        "(--date and --page, unless its name is like 2020-12-03-p1.txt) or a folder of files named "
        "YYYY-MM-DD-pN.txt or YYYY-MM-DD-pN-NAME.txt. Importing a page again updates it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A page's text file, or a folder of them.")
        parser.add_argument(
            "--date", type=_date, help="Publication date, YYYY-MM-DD (one file only)."
        )
        parser.add_argument("--page", type=int, help="Page number (one file only).")
        parser.add_argument(
            "--name", default="", help="Page name, for example 要闻 (one file only)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; save nothing."
        )
        parser.add_argument(
            "--user", help="Username that owns the imported drafts (default: the only superuser)."
        )

    def handle(self, *args, path, date, page, name, dry_run, user, **options):
        owner = self._owner(user)
        path = Path(path)
        if path.is_dir():
            if date or page or name:
                raise CommandError(
                    _(
                        "--date, --page and --name are for one file; in a folder, file names say them (2020-12-03-p1.txt)."
                    )
                )
            files, skipped = self._folder(path)
        elif path.is_file():
            files, skipped = [self._file(path, date=date, page=page, name=name)], []
        else:
            raise CommandError(_("No such file or folder: %(path)s") % {"path": path})

        for skipped_path in skipped:
            self.stderr.write(
                _("Skipped %(file)s: its name is not like 2020-12-03-p1.txt.")
                % {"file": skipped_path.name}
            )
        if dry_run:
            # One transaction for the whole run, rolled back: later pages see earlier ones, as for real.
            with transaction.atomic():
                failures = self._import_all(files, owner=owner, dry_run=True)
                transaction.set_rollback(True)
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was saved.")))
        else:
            failures = self._import_all(files, owner=owner, dry_run=False)
        if failures:
            raise CommandError(
                _("%(failed)s of %(total)s pages were not imported; the others were.")
                % {"failed": failures, "total": len(files)}
                if len(files) > 1
                else _("The page was not imported.")
            )

    def _owner(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            try:
                return users.get(**{get_user_model().USERNAME_FIELD: username})
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("No active user %(username)s.") % {"username": username}
                ) from None
        superusers = list(users.filter(is_superuser=True)[:2])
        if len(superusers) != 1:
            raise CommandError(_("Say who owns the imported drafts: --user USERNAME."))
        return superusers[0]

    def _file(self, path: Path, *, date, page, name) -> PageFile:
        from_name = page_file(path)
        date = date or (from_name and from_name.date)
        page = page or (from_name and from_name.page)
        if not date or not page:
            raise CommandError(
                _("Give --date and --page, or name the file like 2020-12-03-p1.txt.")
            )
        if not 1 <= page <= MAX_PAGES:
            raise CommandError(_("Pages are numbered 1 to %(max)s.") % {"max": MAX_PAGES})
        return PageFile(
            path=path, date=date, page=page, name=name or (from_name.name if from_name else "")
        )

    def _folder(self, folder: Path) -> tuple[list[PageFile], list[Path]]:
        files, skipped = [], []
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                found = page_file(path)
                files.append(found) if found else skipped.append(path)
        if not files:
            raise CommandError(
                _("No page files in %(folder)s (names like 2020-12-03-p1.txt).")
                % {"folder": folder}
            )
        # Either order joins jumps up; date then page order reads best in the report.
        files.sort(key=lambda found: (found.date, found.page))
        return files, skipped

    def _import_all(self, files: list[PageFile], *, owner, dry_run: bool) -> int:
        reports, failures = [], 0
        stream = getattr(
            self.stderr, "_out", sys.stderr
        )  # tqdm redraws with \r: give it the raw stream
        with tqdm(
            files, desc=_("Importing pages"), unit=_("page"), file=stream, disable=len(files) < 2
        ) as bar:
            for found in bar:
                bar.set_postfix_str(found.path.name)
                try:
                    reports.append(self._import(found, owner=owner, dry_run=dry_run))
                except (PageTextError, ValidationError, OSError) as error:
                    failures += 1
                    reports.append(
                        [
                            self.style.ERROR(
                                _("%(file)s: not imported. %(reason)s")
                                % {"file": found.path.name, "reason": _reason(error)}
                            )
                        ]
                    )
        for lines in reports:
            self.stdout.write("\n".join(lines) + "\n")
        return failures

    def _import(self, found: PageFile, *, owner, dry_run: bool) -> list[str]:
        if found.path.suffix.lower() == ".pdf":
            return self._import_pdf(found, owner=owner, dry_run=dry_run)
        decoded = read_page_bytes(found.path.read_bytes())
        # Inside the run's transaction (a dry run rolls the whole run back), a page imports whole.
        with transaction.atomic():
            result = import_parsed_page(
                parsed=parse_page_text(decoded.text),
                date=found.date,
                page_number=found.page,
                page_name=found.name,
                user=owner,
                dry_run=dry_run,
            )
        lines = [self.style.SUCCESS(f"{found.path.name}: {describe_import(result)}")]
        if decoded.converted:
            lines.append("  " + _("The file was in GBK/GB18030; it was converted to UTF-8."))
        return lines + report_lines(result)


    def _import_pdf(self, found: PageFile, *, owner, dry_run: bool) -> list[str]:
        outcome = page_import_pdf(
            pdf=found.path.read_bytes(),
            date=found.date,
            page_number=found.page,
            page_name=found.name,
            user=owner,
            dry_run=dry_run,
        )
        if outcome.result is None:
            lines = [self.style.WARNING(f"{found.path.name}: {outcome.refused}")]
            return lines
        lines = [self.style.SUCCESS(f"{found.path.name}: {describe_import(outcome.result)}")]
        lines.append(
            "  "
            + ngettext(
                "%(count)s hot zone drawn from the PDF's text blocks.",
                "%(count)s hot zones drawn from the PDF's text blocks.",
                len(outcome.zones),
            )
            % {"count": len(outcome.zones)}
        )
        return lines + report_lines(outcome.result)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def report_lines(result: PageImport) -> list[str]:
    """What an import did, story by story, for people reading a terminal."""
    lines = []
    if result.issue_created:
        issue = result.page.issue
        lines.append(
            "  "
            + _("New issue No. %(number)s (No. %(total)s overall): check its numbers in the admin.")
            % {"number": issue.number, "total": issue.total_number}
        )
    for index, story in enumerate(result.stories, start=1):
        parsed = story.parsed
        state = story.state
        headline = " / ".join(
            part for part in (parsed.kicker, parsed.headline, parsed.subheadline) if part
        )
        details = [part for part in (parsed.dateline, parsed.byline) if part]
        count = len(parsed.paragraphs)
        details.append(
            ngettext("%(count)s paragraph", "%(count)s paragraphs", count) % {"count": count}
        )
        lines.append(
            f"  {index}. [{state}] {headline or _('(no headline)')} — {', '.join(details)}"
        )
        if parsed.paragraphs:
            lines.append(f"       「{parsed.paragraphs[0][:OPENING_WORDS]}…」")
        if parsed.continued_from is not None:
            lines.append(
                "       "
                + _("continued from %(page)s") % {"page": page_label(parsed.continued_from)}
            )
        if story.jump_to is not None:
            target = page_label(story.jump_to.number)
            lines.append(
                "       → "
                + (
                    _("continues on %(page)s (not imported yet: an empty part waits there)")
                    if story.continuation_waiting
                    else _("continues on %(page)s (joined with the part there)")
                )
                % {"page": target}
            )
        if parsed.photo_slots:
            lines.append(
                "       "
                + ngettext(
                    "%(count)s photo stood here: add it in the admin.",
                    "%(count)s photos stood here: add them in the admin.",
                    parsed.photo_slots,
                )
                % {"count": parsed.photo_slots}
            )
        for caption in parsed.captions:
            lines.append(
                "       "
                + _("Photo caption: %(caption)s (a photo record; add its image in the admin)")
                % {"caption": caption.text}
            )
        for note in story.uncertain:
            lines.append("       ? " + note)
    for imported in result.teasers:
        teaser = imported.parsed
        line = _("Teaser: %(label)s %(headline)s ▶ %(pages)s") % {
            "label": teaser.label,
            "headline": teaser.headline,
            "pages": _("See %(pages)s") % {"pages": pages_label(teaser.pages)},
        }
        if imported.placeholder:
            line += " " + _("(story not imported yet: an empty draft stands there)")
        lines.append("  " + " ".join(line.split()))
    for caption in result.parsed.captions:
        lines.append(
            "  "
            + _("Photo news: %(caption)s (add its image in the admin)") % {"caption": caption.text}
        )
    for item in result.parsed.unplaced:
        lines.append("  ? " + _("Unplaced: %(text)s (%(reason)s)") % {"text": item.text, "reason": item.reason})
    for slogan in result.parsed.slogans:
        lines.append("  " + _("Banner slogan: %(slogan)s") % {"slogan": slogan.replace("\n", " ")})
    if result.parsed.masthead:
        lines.append(
            "  "
            + _("Masthead (not saved): %(lines)s") % {"lines": " · ".join(result.parsed.masthead)}
        )
    for placement in result.removed:
        lines.append(
            "  "
            + _("Taken off the page, no longer in its text: %(headline)s")
            % {"headline": placement.article.headline}
        )
    for page in result.pages_created:
        lines.append(
            "  "
            + _("%(page)s was created for a jump or teaser: give it a name in the admin.")
            % {"page": page.label}
        )
    return lines
