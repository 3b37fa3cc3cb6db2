"""manage.py proofread DATE | --article ID: every hit, the error rate, and a non-zero exit on blocking hits."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.proofing.engine import proofread
from articles.proofing.models import Category, Waiver
from articles.proofing.services import (
    ERROR_RATE_LIMIT,
    article_texts,
    error_rate,
    field_label,
    texts_characters,
)
from articles.proofing.text import count_characters, plain_text


class Command(BaseCommand):
    help = "Proofread an issue (page by page) or one article: print every hit and the error rate per 10,000 characters."

    def add_arguments(self, parser):
        parser.add_argument("date", nargs="?", help="The issue's date, YYYY-MM-DD.")
        parser.add_argument("--article", type=int, help="One article's id.")

    def handle(self, *args, date=None, article=None, **options):
        if (date is None) == (article is None):
            raise CommandError("Give an issue's date (YYYY-MM-DD) or --article ID.")
        if article is not None:
            story = Article.objects.filter(pk=article).first()
            if story is None:
                raise CommandError(f"No article {article}.")
            totals = self._story(story, indent="")
        else:
            totals = self._issue(date)
        errors, blocking, characters = totals
        rate = error_rate(errors, characters)
        verdict = "over" if rate > ERROR_RATE_LIMIT else "within"
        self.stdout.write(
            f"\n{errors} open hits in {characters} characters: {rate} per 10,000 ({verdict} the line of {ERROR_RATE_LIMIT})."
        )
        if blocking:
            raise CommandError(f"{blocking} blocking hits neither fixed nor waived.")

    def _issue(self, value: str) -> tuple[int, int, int]:
        from issues.models import Issue, Placement, Teaser

        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"Not a date: {value!r} (YYYY-MM-DD).")
        issue = Issue.objects.filter(date=day).first()
        if issue is None:
            raise CommandError(f"No issue on {day}.")
        totals = [0, 0, 0]
        seen: set[int] = set()
        for page in issue.pages.order_by("number"):
            self.stdout.write(self.style.MIGRATE_HEADING(f"{page.label} {page.name}"))
            page_totals = [0, 0, 0]
            parts = []
            placements = Placement.objects.filter(page=page).select_related("article", "photo").order_by("order", "pk")
            for placement in placements:
                if placement.article_id and placement.article_id not in seen:
                    # A story that jumps is read once, on the page it starts on.
                    seen.add(placement.article_id)
                    parts.append(self._story(placement.article, indent="  "))
                elif placement.photo_id and not placement.article_id and placement.photo.caption:
                    parts.append(self._loose(f"caption:{placement.photo_id}", placement.photo.caption))
            for teaser in Teaser.objects.filter(page=page).exclude(headline=""):
                parts.append(self._loose(f"teaser:{teaser.pk}", teaser.headline))
            for part in parts:
                for index, value in enumerate(part):
                    page_totals[index] += value
                    totals[index] += value
            errors, blocking, characters = page_totals
            self.stdout.write(
                f"  {page.label}: {errors} open hits ({blocking} blocking) in {characters} characters, "
                f"{error_rate(errors, characters)} per 10,000"
            )
        return tuple(totals)

    def _story(self, article: Article, indent: str) -> tuple[int, int, int]:
        texts = article_texts(article)
        found = proofread(texts)
        waived = {(w.term_id, w.rule, w.matched) for w in Waiver.objects.filter(article=article)}
        open_hits = [hit for hit in found if hit.key not in waived]
        characters = texts_characters(texts)
        rate = error_rate(len(open_hits), characters)
        self.stdout.write(f"{indent}#{article.pk} “{article.headline}” ({article.get_status_display()}): "
                          f"{len(open_hits)} open hits, {rate} per 10,000")
        for hit in found:
            self._hit(hit, indent + "    ", waived=hit.key in waived)
        return len(open_hits), sum(1 for hit in open_hits if hit.blocking), characters

    def _loose(self, where: str, text: str) -> tuple[int, int, int]:
        found = proofread({where: plain_text(text)})
        for hit in found:
            self._hit(hit, "  ", waived=False)
        return len(found), sum(1 for hit in found if hit.blocking), count_characters(text)

    def _hit(self, hit, indent: str, waived: bool) -> None:
        flags = " BLOCKING" if hit.blocking and not waived else ""
        flags += " (waived)" if waived else ""
        suggestion = f" → {hit.suggestion}" if hit.suggestion else ""
        line = (
            f"{indent}{field_label(hit.field)} @{hit.start}: [{Category(hit.category).label}]{flags} "
            f"…{hit.before}【{hit.matched}】{hit.after}…{suggestion}"
        )
        self.stdout.write(self.style.ERROR(line) if flags.startswith(" BLOCKING") else line)
