"""Released means settled: every admin screen that writes, swept against a released issue and a signed-off page.

The sweep walks the admin's own URLs for the issues app and the article and photo admins, so a
new write screen is swept with no edit here. For each URL, filled with the ids of a released issue's rows
and then of an open issue's signed-off page, it GETs the screen, fills every POST form it finds
from the screen's own HTML with changed values (text edited, another choice, a new file) and posts
it, then again with every checkbox ticked (deletes), then a delete confirmation and every bulk
action of a list. Afterwards:

- the released issue reads exactly as before, unless the change was recorded as a correction
  (更正) or a withdrawal (撤稿), the two doors a released issue keeps open;
- a signed-off page whose rows, or the text of whose stories, changed has lost its sign-off.

New articles have one door too, ``articles.services.article_create``: the last test reads the
project's own code and names any other place that makes an article row.
"""

import ast
import datetime
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import URLPattern, reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Correction, Photo, Transition
from issues.demo import DEMO_DIR
from issues.models import HotZone, Issue, Jump, Page, Placement, Teaser
from tests.factories import (
    ArticleFactory,
    HotZoneFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    TeaserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The models whose admin screens write to the paper.
SWEPT_MODELS = [Issue, Page, Placement, Teaser, Photo, Article]
# A real front page's text, from the demo's copy in the repository (runs without ../shared).
SAMPLE = DEMO_DIR / "2020-12-03-p1.txt"


def _admin_url_names() -> list[tuple[str, str]]:
    """(model label, URL name) for every named admin URL of the swept models, custom screens included."""
    names = []
    for model in SWEPT_MODELS:
        model_admin = admin.site._registry[model]
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name:
                names.append((model._meta.label, pattern.name))
    return sorted(set(names))


URL_NAMES = _admin_url_names()


# --- The paper -----------------------------------------------------------------------------------


def png_upload(name: str = "page.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 85), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name: str = "page.pdf", pages: int = 1) -> SimpleUploadedFile:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(300, 420)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def build_issue(*, release_at, date: datetime.date, chief) -> dict:
    """Two pages, both signed off: a story with a photo, a jump, a teaser, a hot zone and photo news."""
    issue = IssueFactory(date=date, release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻", with_image=True)
    second = PageFactory(issue=issue, number=2, name="综合新闻")
    story = ArticleFactory(approved=True, headline=f"头条{date}")
    inside = ArticleFactory(approved=True, headline=f"二版稿件{date}")
    photo = PhotoFactory(article=story)
    news_photo = PhotoFactory(article=None, caption="图片新闻说明")
    placement = PlacementFactory(page=front, article=story, order=1)
    continuation = PlacementFactory(page=second, article=story, order=1)
    PlacementFactory(page=second, article=inside, order=2)
    photo_news = PlacementFactory(page=second, article=None, photo=news_photo, order=3)
    Jump.objects.create(placement=placement, to_page=second, after_paragraph=3)
    teaser = TeaserFactory(page=front, article=inside, label="综合新闻")
    HotZoneFactory(placement=placement)
    now = timezone.now()
    Page.objects.filter(issue=issue).update(signed_off_by=chief, signed_off_at=now)
    Issue.objects.filter(pk=issue.pk).update(release_at=release_at)
    issue.refresh_from_db()
    return {
        Issue: issue,
        Page: front,
        Placement: placement,
        Teaser: teaser,
        Photo: photo,
        Article: story,
        "photo_news": photo_news,
        "continuation": continuation,
    }


@pytest.fixture
def paper(db):
    chief = UserFactory(username="chief", is_staff=True)
    # A released issue beside the one swept: nothing done to the open one may reach it.
    released = build_issue(
        release_at=timezone.now() - datetime.timedelta(hours=1), date=datetime.date(2020, 12, 3), chief=chief
    )
    open_issue = build_issue(release_at=None, date=datetime.date(2020, 12, 4), chief=chief)
    return {"released": released, "open": open_issue}


@pytest.fixture
def desk(client):
    user = UserFactory(username="desk-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


# --- What must not change --------------------------------------------------------------------------

TEXT = ("kicker", "headline", "subheadline", "byline", "dateline", "body", "status")


def issue_state(issue: Issue) -> dict:
    """Everything readers could see of an issue, row by row."""
    pages = Page.objects.filter(issue=issue)
    placed = Q(placements__page__issue=issue)
    return {
        "issue": list(Issue.objects.filter(pk=issue.pk).values("date", "number", "total_number", "release_at")),
        "pages": list(pages.order_by("pk").values()),
        "placements": list(Placement.objects.filter(page__issue=issue).order_by("pk").values()),
        "jumps": list(Jump.objects.filter(placement__page__issue=issue).order_by("pk").values()),
        "teasers": list(Teaser.objects.filter(page__issue=issue).order_by("pk").values()),
        "zones": list(HotZone.objects.filter(placement__page__issue=issue).order_by("pk").values()),
        "articles": list(Article.objects.filter(placed).distinct().order_by("pk").values("pk", *TEXT)),
        "tags": sorted(Article.objects.filter(placed).values_list("pk", "tags__name")),
        "photos": list(
            Photo.objects.filter(Q(article__placements__page__issue=issue) | placed)
            .distinct()
            .order_by("pk")
            .values("pk", "article", "image", "caption", "credit", "order")
        ),
    }


def page_state(page: Page) -> dict:
    """A page as its sign-off attests it: its fields and files, and what stands on it, stories included."""
    stories = Article.objects.filter(placements__page=page).distinct().order_by("pk")
    return {
        "stories": list(stories.values("pk", *TEXT)),
        "tags": sorted(stories.values_list("pk", "tags__name")),
        "page": list(Page.objects.filter(pk=page.pk).values(*[f.attname for f in Page._meta.concrete_fields if not f.name.startswith("signed_off")])),
        "placements": list(Placement.objects.filter(page=page).order_by("pk").values()),
        "jumps": list(Jump.objects.filter(Q(placement__page=page) | Q(to_page=page)).order_by("pk").values()),
        "teasers": list(Teaser.objects.filter(page=page).order_by("pk").values()),
        "zones": list(HotZone.objects.filter(placement__page=page).order_by("pk").values()),
    }


def recorded_doors() -> tuple[int, int]:
    return Correction.objects.count(), Transition.objects.filter(action=Transition.Action.WITHDRAW).count()


# --- Filling forms from the screen's own HTML ---------------------------------------------------------


class Forms(HTMLParser):
    """The POST forms of a page: their action, fields and submit buttons, as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": [], "buttons": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button"}:
                self._form["buttons"].append((name, attrs.get("value", "")))
            elif kind in {"checkbox", "radio"}:
                self._form["fields"].append({"name": name, "type": kind, "value": attrs.get("value", "on"), "checked": "checked" in attrs})
            else:
                self._form["fields"].append({"name": name, "type": kind, "value": attrs.get("value", ""), "accept": attrs.get("accept", "")})
        elif tag == "button" and name:
            self._form["buttons"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "type": "select", "options": [], "value": None}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["value"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and self._select["value"] is None and self._select["options"]:
                self._select["value"] = self._select["options"][0]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def filled(form: dict, *, tick_boxes: bool, known: dict) -> dict:
    """The form's data with every visible value changed: what an editor's edit would send."""
    data: dict = {}
    for field in form["fields"]:
        name, kind, value = field["name"], field["type"], field.get("value")
        if name.endswith("__prefix__") or "__prefix__" in name:
            continue
        if kind == "hidden":
            data[name] = value
        elif kind in {"checkbox", "radio"}:
            if field["checked"] or tick_boxes:
                data.setdefault(name, []).append(value) if kind == "checkbox" else data.setdefault(name, value)
        elif kind == "file":
            data[name] = pdf_upload() if "pdf" in name or "pdf" in field.get("accept", "") else png_upload()
        elif kind == "select":
            others = [option for option in field["options"] if option and option != value]
            # An autocomplete starts without options: it gets the swept row of its kind.
            data[name] = others[0] if others else (value if value is not None else known.get(name, ""))
        elif kind in {"text", "textarea", "search"}:
            # Dates, times and numbers stay valid; words are edited.
            data[name] = value if re.fullmatch(r"[\d\-/:. ]+", value or "") else (value or "") + "改"
        else:
            data[name] = value
    return data


def screen_posts(client, url: str, known: dict) -> list[tuple[str, dict]]:
    """GET the screen; every POST its forms can send, with changes, and again with every box ticked."""
    response = client.get(url)
    if response.status_code != 200 or getattr(response, "streaming", False):
        return []
    parser = Forms()
    parser.feed(response.content.decode())
    posts = []
    for form in parser.forms:
        if "logout" in form["action"] or "i18n" in form["action"]:
            continue  # the header's own forms: leaving would end the sweep, not test a screen
        for tick_boxes in (False, True):
            for button, value in form["buttons"] or [(None, None)]:
                data = filled(form, tick_boxes=tick_boxes, known=known)
                if button:
                    data[button] = value
                posts.append((form["action"] or url, data))
    return posts


def _post(client, url: str, data: dict) -> int:
    response = client.post(url, data)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the print-PDF split works as it streams
    return response.status_code


# --- The sweep -------------------------------------------------------------------------------------------


def url_for(model_label: str, name: str, objects: dict) -> str | None:
    model = next(model for model in SWEPT_MODELS if model._meta.label == model_label)
    pattern = next(p for p in admin.site._registry[model].get_urls() if getattr(p, "name", None) == name)
    params = list(pattern.pattern.converters)
    if not params:
        return reverse(f"admin:{name}")
    target = objects[model]
    if "issue_id" in params:
        target = objects[Issue]
    elif "page_id" in params:
        target = objects[Page]
    return reverse(f"admin:{name}", args=[target.pk])


SEEDS = {
    # The page import needs a page's text, a date and a page number to get anywhere.
    "issues_page_import": lambda objects: {
        "text": SAMPLE.read_text(encoding="utf-8"),
        "date": objects[Issue].date.isoformat(),
        "page": "1",
        "name": "要闻",
        "_save": "1",
    },
}


def planned_posts(client, model_label: str, name: str, objects: dict) -> list[tuple[str, dict]]:
    """Every POST the sweep sends to one admin URL: its forms, a seed, a delete confirmation, bulk deletes."""
    url = url_for(model_label, name, objects)
    known = {
        "issue": str(objects[Issue].pk),
        "page": str(objects[Page].pk),
        "article": str(objects[Photo].article_id),
        "photo": str(objects["photo_news"].photo_id),
    }
    posts = screen_posts(client, url, known)
    if name in SEEDS:
        posts.append((url, SEEDS[name](objects)))
    if name.endswith("_delete"):
        posts.append((url, {"post": "yes"}))
    if name.endswith("_changelist"):
        model = next(model for model in SWEPT_MODELS if model._meta.label == model_label)
        if model is Photo:
            ids = [str(objects[Photo].pk), str(objects["photo_news"].photo_id)]
        else:
            ids = [str(objects[model].pk)]
        posts.append((url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}))
    # The form's own saves first, then its actions: a story released online (an action) is no
    # longer edited, it is corrected. A release closes the issue to everything after it: last.
    return sorted(posts, key=lambda post: ("action" in post[1], post[1].get("action") == "release"))


@pytest.mark.parametrize("model_label, name", URL_NAMES)
def test_no_admin_screen_changes_a_released_issue(desk, paper, model_label, name):
    # The screens are opened while the issue is still open and sent after its release: the
    # editor's form that was on screen when the chief released must not get through either.
    objects = paper["open"]
    posts = planned_posts(desk, model_label, name, objects)
    Issue.objects.filter(pk=objects[Issue].pk).update(release_at=timezone.now() - datetime.timedelta(minutes=1))

    for url, data in posts:
        before, doors = issue_state(objects[Issue]), recorded_doors()
        assert _post(desk, url, data) != 500, url
        if recorded_doors() == doors:
            assert issue_state(objects[Issue]) == before, f"{url} changed a released issue with {sorted(data)}"


@pytest.mark.parametrize("model_label, name", URL_NAMES)
def test_any_admin_change_to_a_signed_off_page_clears_its_sign_off(desk, paper, model_label, name):
    objects = paper["open"]
    page = objects[Page]
    chief = page.signed_off_by

    for url, data in planned_posts(desk, model_label, name, objects):
        if not Page.objects.filter(pk=page.pk).exists():
            break  # deleted by the post before: nothing left to attest
        Page.objects.filter(pk=page.pk).update(signed_off_by=chief, signed_off_at=timezone.now())
        before = page_state(page)
        assert _post(desk, url, data) != 500, url
        if Page.objects.filter(pk=page.pk).exists() and page_state(page) != before:
            page.refresh_from_db()
            assert page.signed_off_at is None, f"{url} changed a signed-off page and kept the sign-off"


def test_the_sweep_reaches_every_write_screen_of_the_desk():
    """The URL list is the admin's own: the screens that write are all in it."""
    names = {name for _label, name in URL_NAMES}
    for expected in (
        "issues_issue_add", "issues_issue_change", "issues_issue_delete", "issues_issue_changelist",
        "issues_issue_assembly", "issues_issue_print",
        "issues_page_add", "issues_page_change", "issues_page_delete", "issues_page_zones", "issues_page_import",
        "issues_placement_add", "issues_placement_change", "issues_placement_delete",
        "issues_teaser_add", "issues_teaser_change", "issues_teaser_delete",
        "articles_photo_add", "articles_photo_change", "articles_photo_delete",
    ):
        assert expected in names


# --- New articles: one door ----------------------------------------------------------------------

ARTICLE_DOOR = Path("articles/services.py")  # article_create
MAKERS = {"create", "get_or_create", "update_or_create", "bulk_create"}


def _project_files() -> list[Path]:
    """Every Python file of the project's apps and its settings package, migrations and tests aside."""
    root = Path(settings.BASE_DIR)
    folders = {Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(root)}
    folders.add(root / "newsroom")
    files = {path for folder in folders for path in folder.rglob("*.py")}
    return sorted(path for path in files if "migrations" not in path.parts and ".venv" not in path.parts)


def direct_article_creates(source: str) -> list[int]:
    """The lines that make an article row without article_create: Article(...) with fields but no pk,
    or Article.objects.create / get_or_create / update_or_create / bulk_create."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "Article":
            # Article(pk=...) stands for a row that exists (a lock, a link): it makes nothing.
            if not any(keyword.arg in {"pk", "id"} for keyword in node.keywords):
                lines.append(node.lineno)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in MAKERS
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in {"objects", "_default_manager"}
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "Article"
        ):
            lines.append(node.lineno)
    return lines


def test_the_sweep_of_new_articles_finds_a_direct_create():
    source = (
        "article = Article.objects.create(headline='x', reporter=user)\n"
        "draft = Article(headline='y', reporter=user)\n"
        "Article.objects.bulk_create([draft])\n"
        "locked = Article(pk=3)\n"
    )
    assert direct_article_creates(source) == [1, 2, 3]


def test_every_new_article_is_made_by_article_create():
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}:{line}"
        for path in _project_files()
        if path.relative_to(root) != ARTICLE_DOOR
        for line in direct_article_creates(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "make articles with articles.services.article_create, not directly: " + ", ".join(found)
