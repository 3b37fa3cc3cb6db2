"""Nothing unpublished leaks: every public URL, found in the URLconf, swept with hidden content around.

The fixture builds one of each kind of hidden thing (a story in every status but approved, an
unreleased issue with pages, page image and PDF, photos and photo news, teasers pointing at
hidden stories) next to a released issue with an approved story. The sweep then walks the
URLconf itself, so a new public surface (search, feeds, sitemaps, an API, renditions) is
requested with no edit here, fills each URL parameter from the fixture (dates of hidden and
visible issues, future dates, page numbers, every id ±1, file names) and checks that no hidden
headline, text, caption, page name, file name or file byte comes back, and that hidden URLs
are 404. A surface whose parameters need values the pools below lack adds them to PARAM_POOLS;
one that reads the query string adds its variants to QUERY_VARIANTS.
"""

import datetime
import html
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pypdfium2
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.urls.converters import IntConverter
from django.utils import timezone
from PIL import Image, PngImagePlugin

from articles.contributors.models import Contributor, Credit
from articles.models import Article, Photo
from issues.models import Issue, Page
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PhotoFactory,
    PlacementFactory,
    TeaserFactory,
)
from tests.helpers import Route, public_routes

pytestmark = pytest.mark.django_db

# Every status but the one readers may see is hidden: a state added later is swept too.
HIDDEN_STATUSES = [status for status in Article.Status if status != Article.Status.APPROVED]

# Query strings every page that answers is requested with again: a search box, filters, paging,
# formats. Surfaces that read other parameters add them here; "{secret}" is a hidden headline word.
QUERY_VARIANTS: list[dict[str, str]] = [
    {"q": "{secret}"},
    {"q": "密件"},
    {"query": "{secret}"},
    {"year": "{hidden_year}"},
    {"date": "{hidden_date}"},
    {"page": "2"},
    {"format": "json"},
    {"preview": "1"},
    {"status": "draft"},
]

# Extra request headers: content negotiation must not open another door.
HEADER_VARIANTS: list[dict[str, str]] = [{"HTTP_ACCEPT": "application/json"}]


@dataclass
class World:
    secrets: list[str] = field(default_factory=list)  # text that must never reach a reader
    secret_bytes: list[bytes] = field(default_factory=list)
    hidden_urls: list[str] = field(default_factory=list)  # must be 404
    visible_urls: list[str] = field(default_factory=list)  # must be 200 (proves the sweep sees)
    visible_text: list[str] = field(default_factory=list)
    pools: dict[str, list] = field(default_factory=dict)


def png(token: str, color: str) -> bytes:
    """A small PNG carrying a unique text chunk, so its bytes can be recognised anywhere."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", token)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def pdf(token: str) -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue() + f"\n%{token}\n".encode()


def hidden_photo(world: World, token: str, **kwargs) -> Photo:
    photo = PhotoFactory(
        image=SimpleUploadedFile(f"{token}.png", png(token, "black")),
        caption=f"{token}图片说明",
        credit=f"{token}摄",
        **kwargs,
    )
    world.secrets += [photo.caption, photo.credit, photo.image.name.rsplit("/", 1)[-1]]
    world.secret_bytes.append(token.encode())
    world.hidden_urls.append(photo.image.url)
    return photo


@pytest.fixture
def world(db) -> World:
    world = World()
    released = IssueFactory(date=datetime.date(2020, 12, 3), released=True)
    front = PageFactory(
        issue=released, number=1, name="要闻",
        image=SimpleUploadedFile("p1.png", png("visible-page", "white")),
        pdf=SimpleUploadedFile("p1.pdf", pdf("visible-pdf")),
    )
    inside = PageFactory(issue=released, number=2, name="综合新闻")
    visible = PlacementFactory(page=front, article=ArticleFactory(headline="公开新闻标题", approved=True)).article
    visible_photo = PhotoFactory(article=visible, image=SimpleUploadedFile("v.png", png("visible-photo", "red")))
    PlacementFactory(page=inside, article=visible)
    world.visible_text.append(visible.headline)
    withdrawn_page, printed_urls = withdrawn_page_files(world, released)
    online_story = released_online(world)
    # Every file written from here on belongs to something hidden: uploads, and whatever
    # renditions or derived files saving them makes. All of them must be 404.
    visible_files = files_on_disk()
    world.visible_urls += [
        visible.get_absolute_url(), front.get_absolute_url(), released.get_absolute_url(),
        visible_photo.image.url, front.image.url, front.pdf.url,
        online_story.get_absolute_url(), online_story.photos.get().image.url,
    ]

    # A story in every hidden state, placed on the released front page with a teaser to it,
    # and one never placed.
    hidden_articles = []
    for index, status in enumerate(HIDDEN_STATUSES):
        for placed in (True, False):
            token = f"密件{status}{'甲' if placed else '乙'}"
            article = ArticleFactory(
                headline=f"{token}标题",
                kicker=f"{token}引题",
                subheadline=f"{token}副题",
                byline=f"{token}记者",
                body=f"<p>{token}正文第一段。</p><p>{token}正文第二段。</p>",
                status=status,
            )
            article.tags.add(f"{token}标签")
            hidden_photo(world, f"{token}照片", article=article)
            if placed:
                PlacementFactory(page=front, article=article)
                TeaserFactory(page=inside, article=article, headline=f"{token}导读", label="要闻")
                world.secrets.append(f"{token}导读")
            world.secrets += [article.headline, article.kicker, article.subheadline, article.byline,
                              f"{token}正文", f"{token}标签"]
            world.hidden_urls.append(article.get_absolute_url())
            # A tag used only on hidden stories: its page and feeds must not confirm it exists.
            tag_slug = article.tags.get().slug
            world.hidden_urls += [reverse("articles:tag-detail", args=[tag_slug]),
                                  reverse("articles:tag-feed-rss", args=[tag_slug]),
                                  reverse("articles:tag-feed-atom", args=[tag_slug])]
            hidden_articles.append(article)

    # An unreleased issue: pages with files and slogans, an approved story, photo news, a teaser.
    unreleased = IssueFactory(date=datetime.date(2020, 12, 4), released=False)
    hidden_front = PageFactory(
        issue=unreleased, number=1, name="密件版名",
        slogans="密件标语",
        image=SimpleUploadedFile("h1.png", png("密件版面图".encode().hex(), "blue")),
        pdf=SimpleUploadedFile("h1.pdf", pdf("hidden-page-pdf-token")),
    )
    hidden_inside = PageFactory(issue=unreleased, number=2, name="密件二版")
    approved_hidden = PlacementFactory(
        page=hidden_front,
        article=ArticleFactory(headline="密件未发布期标题", body="<p>密件未发布期正文。</p>", approved=True),
    ).article
    hidden_photo(world, "密件未发布期照片", article=approved_hidden)
    PlacementFactory(page=hidden_inside, article=approved_hidden)
    photo_news = hidden_photo(world, "密件图片新闻", article=None)
    PlacementFactory(page=hidden_front, article=None, photo=photo_news)
    TeaserFactory(page=hidden_front, article=approved_hidden, headline="密件未发布期导读")
    world.secrets += [
        "密件版名", "密件二版", "密件标语", "密件未发布期标题", "密件未发布期正文", "密件未发布期导读",
        hidden_front.image.name.rsplit("/", 1)[-1], hidden_front.pdf.name.rsplit("/", 1)[-1],
    ]
    world.secret_bytes += ["密件版面图".encode().hex().encode(), b"hidden-page-pdf-token"]
    world.hidden_urls += [
        unreleased.get_absolute_url(), hidden_front.get_absolute_url(), hidden_inside.get_absolute_url(),
        approved_hidden.get_absolute_url(), hidden_front.image.url, hidden_front.pdf.url,
    ]

    # Contributors (articles.contributors): one credited only on hidden stories and photo news (their
    # page is 404), one also on the visible story (their page lists it and nothing hidden).
    secret_person = Contributor.objects.create(name="密件作者")
    shared = Contributor.objects.create(name="公开作者")
    Credit.objects.create(article=visible, contributor=shared)
    Credit.objects.create(photo=photo_news, contributor=secret_person, role=Credit.Role.PHOTO)
    for order, article in enumerate([*hidden_articles, approved_hidden]):
        Credit.objects.create(article=article, contributor=secret_person)
        Credit.objects.create(article=article, contributor=shared, order=order + 1)
    world.secrets.append(secret_person.name)
    world.hidden_urls.append(secret_person.get_absolute_url())
    world.visible_urls.append(shared.get_absolute_url())
    world.visible_text.append(shared.name)

    world.hidden_urls += printed_urls
    world.visible_urls.append(withdrawn_page.get_absolute_url())
    hidden_online_states(world, unreleased_page=hidden_front)

    hidden_files = sorted(files_on_disk() - visible_files)
    world.hidden_urls += [default_storage.url(name) for name in hidden_files]
    world.secrets += [name.rsplit("/", 1)[-1] for name in hidden_files]

    ids = set()
    for model in (Article, Photo, Issue, Page, Contributor):
        for pk in model.objects.values_list("pk", flat=True):
            ids.update({pk - 1, pk, pk + 1})
    today = timezone.localdate()
    world.pools = {
        "date": [released.date, unreleased.date, today, today + datetime.timedelta(days=365),
                 datetime.date(2020, 12, 5)],
        "number": [0, 1, 2, 3, 99],
        "year": [2020, today.year, today.year + 1],
        "month": [1, 11, 12],
        "day": [3, 4, 5],
        "pk": sorted(ids),
        "id": sorted(ids),
        "slug": ["x", "密件"],
        "path": sorted(files_on_disk()) + ["photos/", "pages/missing.pdf", "../newsroom/settings.py", "photos/../../db.sqlite3"],
    }
    world.pools["int"] = sorted(ids | set(world.pools["number"]) | set(world.pools["year"]))
    world.pools["str"] = ["x", "密件", "2020-12-04"]
    return world


def withdrawn_page_files(world: World, issue: Issue) -> tuple[Page, list[str]]:
    """A released page whose story was withdrawn (撤稿): its image and PDF as printed are hidden.

    Returns the page and the addresses its files had before the withdrawal.
    """
    from articles.roles import CHIEF
    from articles.services import article_withdraw
    from tests.factories import HotZoneFactory, role_user

    page = PageFactory(
        issue=issue, number=3, name="撤稿版",
        image=SimpleUploadedFile("p3.png", png("withdrawn-page-as-printed", "white")),
        pdf=SimpleUploadedFile("p3.pdf", pdf("withdrawn-page-pdf")),
    )
    story = PlacementFactory(page=page, article=ArticleFactory(headline="密件撤稿标题", approved=True))
    HotZoneFactory(placement=story)
    printed = [page.image.url, page.pdf.url] + [
        default_storage.url(size[kind]) for size in page.image_renditions["sizes"] for kind in ("jpeg", "webp")
    ]
    article_withdraw(article=story.article, user=role_user(CHIEF, username="sweep-chief"), reason="撤稿")
    page.refresh_from_db()
    world.secrets += ["密件撤稿标题", page.printed_image.name.rsplit("/", 1)[-1], page.withheld_pdf.name.rsplit("/", 1)[-1]]
    world.secret_bytes += [b"withdrawn-page-as-printed", b"withdrawn-page-pdf"]
    return page, printed


def _story(world: World, token: str) -> Article:
    """An approved story whose every word and photo carries ``token``."""
    article = ArticleFactory(
        headline=f"{token}标题", subheadline=f"{token}副题", byline=f"{token}记者",
        body=f"<p>{token}正文。</p>", approved=True,
    )
    article.tags.add(f"{token}标签")
    return article


def released_online(world: World) -> Article:
    """网络首发: an approved story released online and in no issue, with a photo: readers see it."""
    from articles.roles import CHIEF
    from articles.services import article_release_online
    from tests.factories import role_user

    story = _story(world, "网络首发公开")
    PhotoFactory(article=story, image=SimpleUploadedFile("o.png", png("visible-online-photo", "green")))
    article_release_online(article=story, user=role_user(CHIEF, username="sweep-online-chief"))
    world.visible_text.append(story.headline)
    return story


def hidden_online_states(world: World, *, unreleased_page: Page) -> None:
    """The web-first states readers must not see: approved and not released online (placed in an
    unreleased issue or nowhere), embargoed (alone, and in an unreleased issue), released online
    and then withdrawn (撤稿)."""
    from articles.roles import CHIEF
    from articles.services import article_release_online, article_withdraw
    from tests.factories import role_user

    chief = role_user(CHIEF, username="sweep-embargo-chief")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    for token, placed, embargo, withdrawn in (
        ("密件终审未首发", False, False, False),
        ("密件定时首发", False, True, False),
        ("密件定时首发已排版", True, True, False),
        ("密件首发后撤稿", False, False, True),
    ):
        story = _story(world, token)
        hidden_photo(world, f"{token}照片", article=story)
        if placed:
            PlacementFactory(page=unreleased_page, article=story)
        if embargo or withdrawn:
            article_release_online(article=story, user=chief, at=tomorrow if embargo else None)
        if withdrawn:
            article_withdraw(article=story, user=chief, reason="撤稿")
        tag_slug = story.tags.get().slug
        world.secrets += [f"{token}标题", f"{token}副题", f"{token}记者", f"{token}正文", f"{token}标签"]
        world.hidden_urls += [story.get_absolute_url(), reverse("articles:tag-detail", args=[tag_slug])]


def files_on_disk() -> set[str]:
    """Names (as the storage knows them) of every file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()} if root.exists() else set()


# --- URLconf discovery ---------------------------------------------------------------------------


def candidates(route: Route, world: World) -> list[dict]:
    """Parameter combinations for a route, from the pools by name, else by converter type."""
    choices = []
    for name, converter in route.params.items():
        if name in world.pools:
            choices.append([(name, value) for value in world.pools[name]])
        elif isinstance(converter, IntConverter):
            choices.append([(name, value) for value in world.pools["int"]])
        else:
            choices.append([(name, value) for value in world.pools["str"]])
    return [dict(combination) for combination in itertools.product(*choices)][:2000]


def urls_to_sweep(world: World) -> list[str]:
    urls = set(world.hidden_urls) | set(world.visible_urls)
    routes, _unnamed = public_routes()
    for route in routes:
        for kwargs in candidates(route, world):
            try:
                urls.add(reverse(route.name, kwargs=kwargs))
            except NoReverseMatch:
                pass  # a value the converter refuses (the URL could not exist)
    return sorted(urls)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def leaks(response, world: World) -> list[str]:
    content = body_of(response)
    text = content.decode("utf-8", "replace")
    # Pages echo the address the reader typed (the language form's "next"): that is not a leak.
    asked = response.wsgi_request.get_full_path()
    for echo in (asked, html.escape(asked), unquote(asked)):
        text = text.replace(echo, "")
    headers = " ".join(f"{key}: {value}" for key, value in response.headers.items())
    found = [secret for secret in world.secrets if secret in text or secret in headers]
    found += [repr(token) for token in world.secret_bytes if token in content]
    return found


# --- The sweep -------------------------------------------------------------------------------------


def test_every_public_url_is_reachable_by_the_sweep_by_name():
    """The sweep reverses routes by name: an unnamed public route would be skipped silently."""
    _routes, unnamed = public_routes()
    assert unnamed == []


def test_nothing_hidden_leaks_on_any_public_url(client, world):
    urls = urls_to_sweep(world)
    failures, answered = [], []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        if found := leaks(response, world):
            failures.append(f"{url} ({response.status_code}) shows {found}")
        if response.status_code == 200:
            answered.append(url)
    variants = [(query, {}) for query in QUERY_VARIANTS] + [({}, headers) for headers in HEADER_VARIANTS]
    for url, (query, headers) in itertools.product(answered, variants):
        params = {
            key: value.format(secret="密件", hidden_year=2020, hidden_date="2020-12-04")
            for key, value in query.items()
        }
        response = client.get(url, params, **headers)
        if response.status_code >= 500 or (found := leaks(response, world)):
            failures.append(f"{url}?{params} {headers} ({response.status_code}) shows {leaks(response, world)}")

    assert failures == []
    # The sweep must see the paper, or it proves nothing.
    assert len(urls) > 50
    for url in world.visible_urls:
        assert url in answered, url
    print(f"swept {len(urls)} URLs, then {len(answered)} answering ones with {len(variants)} variants each")


def test_every_hidden_url_is_404(client, world):
    statuses = {url: client.get(url).status_code for url in world.hidden_urls}
    assert {url: code for url, code in statuses.items() if code != 404} == {}
    assert len(statuses) >= 2 * len(HIDDEN_STATUSES) * 2 + 6


def test_visible_content_is_really_there(client, world):
    response = client.get(world.visible_urls[0])
    assert response.status_code == 200
    assert world.visible_text[0] in response.content.decode()


def test_staff_who_may_view_see_hidden_files_uncached(staff_client, world):
    url = next(url for url in world.hidden_urls if url.startswith("/media/pages/"))
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_published_files_are_cacheable_and_hidden_files_stay_404_once_the_issue_is_out(client, world):
    hidden_page_file = next(url for url in world.hidden_urls if url.startswith("/media/pages/"))
    assert client.get(hidden_page_file).status_code == 404
    Issue.objects.filter(date=datetime.date(2020, 12, 4)).update(
        release_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(hidden_page_file)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


def test_in_production_nginx_sends_published_files_and_hidden_ones_stay_404(client, world, settings):
    settings.NEWSROOM_MEDIA_ACCEL_PREFIX = "/protected-media/"
    visible = next(url for url in world.visible_urls if url.startswith("/media/pages/") and url.endswith(".pdf"))
    response = client.get(visible)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + visible.removeprefix("/media/")
    # nginx sets the type from the file's extension; the app sends no body of its own.
    assert "Content-Type" not in response and response.content == b""
    hidden = next(url for url in world.hidden_urls if url.startswith("/media/pages/"))
    assert client.get(hidden).status_code == 404
    assert not client.get(hidden).has_header("X-Accel-Redirect")


def test_a_file_on_disk_that_no_row_owns_is_404(client, world, media_root):
    orphan = media_root / "photos" / "left-behind.jpg"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"an upload whose row was deleted")
    assert client.get("/media/photos/left-behind.jpg").status_code == 404
