import datetime
import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.contributors.demo import contributors_demo, demo_contributors
from articles.models import Article, Photo
from articles.proofing.demo import proofing_demo
from articles.roles import CHIEF, EDITOR, FINANCE, REPORTER, sync_roles
from articles.services import article_step
from issues.demo import DEMO_DIR, DEMO_ISSUES, DEMO_PAGES
from issues.demo.latest import make_latest_paper, release_latest_paper
from issues.demo.photos import add_demo_photos
from issues.demo.printing import Fonts, find_fonts, print_page
from issues.demo.planning import page_plans_demo, story_plans_demo
from issues.demo.tonight import make_tonights_issue
from issues.importer import page_import
from issues.models import HotZone, Issue, Page, Placement
from issues.pdf import images_to_pdf
from issues.reading import page_parts
from issues.services import (
    hot_zone_delete,
    hot_zone_save,
    issue_create,
    issue_release,
    page_create,
    page_sign_off,
    page_update,
)

DEMO_RELEASE_TIME = datetime.time(6, 0)
# Demo logins, one per role, sharing the admin's printed password.
# Two editors: 三审 takes three different people (初审, 二审, 终审).
DEMO_ROLE_USERS = [
    ("reporter", REPORTER, "左燕"),
    ("editor", EDITOR, "马晓璇"),
    ("editor2", EDITOR, "王静"),
    ("chief", CHIEF, "值班总编"),
    ("finance", FINANCE, "财务"),
]


class Command(BaseCommand):
    help = "Load the demo issues from the sample pages (safe to run again) and print the admin login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            default=str(Path(settings.BASE_DIR) / ".demo-admin-password"),
            help="Where the demo admin's password is kept between runs.",
        )
        parser.add_argument(
            "--without-latest-paper",
            action="store_true",
            help="Leave out this morning's paper, so the 2020 archive's last issue is the newest (for tests "
            "that release an issue of their own after it).",
        )

    @transaction.atomic
    def handle(self, *args, password_file, without_latest_paper=False, **options):
        admin, password = self._admin(Path(password_file))
        users = self._role_users(password)
        demo_contributors(users=users)  # before the import, which credits the names it knows
        # The demo is laid out as the desk would, through the services, while its issues are open;
        # an issue already released by an earlier run is left as it is.
        loaded = set(Issue.objects.not_open().values_list("date", flat=True))
        for date, number, total_number in DEMO_ISSUES:
            if date not in loaded and not Issue.objects.filter(date=date).exists():
                # The sample issues have their own pages: no standing layout for them.
                issue_create(date=date, number=number, total_number=total_number, page_plan=False)
        for date, number, name, filename in DEMO_PAGES:
            if date in loaded:
                continue
            issue = Issue.objects.get(date=date)
            page = Page.objects.filter(issue=issue, number=number).first()
            if filename is not None:
                text = (DEMO_DIR / filename).read_text(encoding="utf-8")
                page = page_import(text=text, date=date, page_number=number, page_name=name, user=admin).page
            elif page is None:
                page = page_create(issue=issue, number=number, name=name)
            page_update(page=page, name=name, editor=admin)
        fresh = [date for date, *_ in DEMO_ISSUES if date not in loaded]
        stories = Article.objects.filter(
            pk__in=Article.objects.filter(placements__page__issue__date__in=fresh).values("pk")
        )
        # Filed as drafts with their photos (through the photo services), then taken through
        # 三审 by three people, as the desk would: the demo shows a published paper.
        add_demo_photos(user=admin, stories=stories)
        reviewers = (("submit", admin), ("first_review", users["editor"]), ("second_review", users["editor2"]),
                     ("approve", users["chief"]))
        for story in stories.exclude(status=Article.Status.APPROVED):
            for step, user in reviewers:
                article_step(article=story, user=user, step=step)
        latest = None if without_latest_paper else make_latest_paper(users=users)
        self._print_pages(skip=loaded, latest=latest)
        if latest is not None:
            release_latest_paper(issue=latest, chief=users["chief"])
        for date in fresh:
            issue = Issue.objects.get(date=date)
            for page in issue.pages.all():
                page_sign_off(page=page, user=users["chief"])
            issue_release(issue=issue, user=users["chief"])
            # The demo paper went out on its own dates, not at the moment it was loaded.
            release_at = timezone.make_aware(datetime.datetime.combine(date, DEMO_RELEASE_TIME))
            Issue.objects.filter(pk=issue.pk).update(release_at=release_at)
        page_plans_demo(users=users)  # 四开八版: tonight's issue is made with its pages
        tonight = make_tonights_issue(users=users)
        if tonight is not None:
            story_plans_demo(issue=tonight, users=users)  # its 稿单, one page overrun, one story late
        # 校对 (articles.proofing): the starter lists, and a story waiting for 终审 with open hits.
        proofing_demo(reporter=users["reporter"], first_editor=users["editor"], second_editor=users["editor2"])
        # Contributors and 稿费 (articles.contributors): credits on every story, a rate table.
        contributors_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo paper loaded: {Issue.objects.count()} issues, {Article.objects.count()} articles, "
                f"{Photo.objects.count()} photos."
            )
        )
        if tonight is not None:
            self.stdout.write(f"Tonight's issue {tonight.date} is on the desk, with stories at every step of review.")
        self.stdout.write(f"Admin login: user {admin.get_username()!r}, password {password!r}")
        for username, role, name in DEMO_ROLE_USERS:
            self.stdout.write(f"{role} ({name}) login: user {username!r}, same password")

    def _role_users(self, password: str) -> dict:
        """Demo users by username: a reporter, two editors and the chief, so a newcomer can try each role."""
        sync_roles()  # the roles migration made them; a flushed database may have lost them
        users = {}
        for username, role, name in DEMO_ROLE_USERS:
            user, _created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True, "first_name": name}
            )
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
        return users

    def _print_pages(self, skip: set, latest: Issue | None) -> None:
        """Give each demo page a page image, a PDF and hot zones, once (a page with an image is left alone)."""
        fonts = find_fonts()
        if fonts is None:
            self.stdout.write("No Noto CJK font found (apt-get install fonts-noto-cjk): demo pages get no page images.")
            return
        pages = [
            Page.objects.select_related("issue").get(issue__date=date, number=number)
            for date, number, _name, _filename in DEMO_PAGES
            if date not in skip
        ]
        if latest is not None:
            pages += list(latest.pages.select_related("issue"))
        for page in pages:
            if not page.image:
                self._print_page(page, fonts)

    def _print_page(self, page: Page, fonts: Fonts) -> None:
        pages = list(page.issue.pages.all())
        parts = page_parts(page, pages, Placement.objects.filter(page=page).for_reading())
        image, boxes = print_page(page, parts, fonts, settings.NEWSROOM["PAPER_NAME"])
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85, optimize=True)
        page = page_update(
            page=page,
            image=ContentFile(buffer.getvalue(), name="page.jpg"),
            pdf=ContentFile(images_to_pdf([image]), name="page.pdf"),
        )
        for zone in HotZone.objects.filter(placement__page=page):
            hot_zone_delete(zone=zone)
        width, height = image.size
        for box in boxes:
            x, y = round(box.x / width, 4), round(box.y / height, 4)
            zone = HotZone(
                placement=box.part.placement,
                x=x,
                y=y,
                width=min(round(box.width / width, 4), 1 - x),
                height=min(round(box.height / height, 4), 1 - y),
            )
            hot_zone_save(zone=zone)

    def _admin(self, password_file: Path):
        """The demo superuser, with a password made once and kept in a file outside git."""
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        user, _created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "值班编辑"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return user, password
