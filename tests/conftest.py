import datetime
import os
from unittest import mock

import pytest
from django.utils import timezone

from articles.roles import CHIEF, EDITOR, REPORTER
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PlacementFactory,
    UserFactory,
    role_user,
)


# The newsroom's people, one per role (three distinct people for 三审).
@pytest.fixture
def reporter(db):
    return role_user(REPORTER, username="zuoyan")


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="maxiaoxuan")


@pytest.fixture
def second_editor(db):
    return role_user(EDITOR, username="wangjing")


@pytest.fixture
def chief(db):
    return role_user(CHIEF, username="zhiban")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True, scope="session")
def jinja_renders_are_recorded():
    """The reader's Jinja2 templates report their renders as Django's templates do in tests, so a
    response's ``templates`` lists them too (Django instruments only its own engine)."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def recorded(self, context=None, request=None):
        template_rendered.send(sender=self, template=self.template, context=context or {})
        return render(self, context, request)

    with mock.patch.object(backend.Template, "render", recorded):
        yield


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Every test starts with no cached public pages or story parts (the cache outlives a test's rollback)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]  # the store itself: django.core.cache.cache is a proxy to it
    # Ids and frozen times repeat between tests: nothing stored in another test may be found,
    # and no tag dropped at a frozen time in the future may make this test's pages unstorable.
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        stored = list(client.scan_iter(match=cache.make_key("*"), count=1000))  # this worker's keys
        if stored:
            client.delete(*stored)
    else:
        cache.clear()  # local memory: this test process's own (on Redis, clear() empties every worker's)


@pytest.fixture
def public_cache_off(settings):
    """Views run every time: for pinning what a view itself costs in queries."""
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PUBLIC_CACHE": {**settings.NEWSROOM["PUBLIC_CACHE"], "ENABLED": False},
    }


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def reporter_client(client, db):
    """A reporter at the desk: may file and edit articles and photos, nothing else."""
    from django.contrib.auth.models import Permission

    reporter = UserFactory(username="zuoyan", is_staff=True)
    reporter.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["articles", "taggit"],
            codename__in=["add_article", "change_article", "view_article", "add_photo", "change_photo", "view_photo", "add_tag", "view_tag"],
        )
    )
    client.force_login(reporter)
    client.user = reporter
    return client



@pytest.fixture
def released_issue(db):
    return IssueFactory(date=datetime.date(2020, 12, 3), released=True)


@pytest.fixture
def unreleased_issue(db):
    return IssueFactory(date=datetime.date(2020, 12, 4), released=False)


@pytest.fixture
def front_story(released_issue):
    """An approved story on page 1 of a released issue."""
    page = PageFactory(issue=released_issue, number=1, name="要闻")
    return PlacementFactory(page=page, article=ArticleFactory(approved=True)).article


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser(live_server, in_ci):
    """Headless Debian Chromium driven by Selenium; fails in CI when missing, skips elsewhere."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        message = "Browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver fonts-noto-cjk)."
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1280,1600",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # Generous: the suite runs two processes on two cores, and pages wait on each other.
    driver.implicitly_wait(10)
    driver.live_server_url = live_server.url
    yield driver
    driver.quit()


@pytest.fixture
def unpublished_stories(db):
    """Three stories readers must never see, each with 秘闻 in its headline and body:
    a draft in a released issue, an approved story in an unreleased issue, and an approved story never placed."""
    from articles.models import Article

    released = IssueFactory(date=datetime.date(2020, 12, 1), released=True)
    unreleased = IssueFactory(date=timezone.localdate() + datetime.timedelta(days=1), released=False)
    body = "<p>秘闻正文，督查金科园。</p>"
    draft = PlacementFactory(
        page=PageFactory(issue=released, number=1),
        article=ArticleFactory(headline="草稿秘闻", body=body, status=Article.Status.DRAFT),
    ).article
    early = PlacementFactory(
        page=PageFactory(issue=unreleased, number=1),
        article=ArticleFactory(headline="未发秘闻", body=body, approved=True),
    ).article
    unplaced = ArticleFactory(headline="未排秘闻", body=body, approved=True)
    for story in (draft, early, unplaced):
        story.tags.add("秘闻")
    return [draft, early, unplaced]
