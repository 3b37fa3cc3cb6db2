"""axe-core in Chromium on every reader page, at a phone's width: no violations.

axe-core (MPL-2.0, Deque Systems) is vendored in tests/browser/vendor/ so the check runs offline;
it is injected by the test driver, never served to readers.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


@pytest.fixture
def demo_paper(tmp_path):
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))


def violations(browser, path: str) -> list[str]:
    browser.get(browser.live_server_url + path)
    browser.execute_script(AXE)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
        "v => `${v.id}: ${v.nodes.length} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')})`)));"
    )
    return result


def test_reader_pages_have_no_axe_violations_on_a_phone(browser, demo_paper):
    browser.set_window_size(412, 915)
    browser.set_script_timeout(60)
    story = Article.objects.published().order_by("pk").first()
    pages = {
        "front": "/",
        "page": "/2020-12-03/2/",
        "article": story.get_absolute_url(),
        "archive": "/archive/",
        "archive month": "/archive/2020/12/",
        "search": "/search/?q=金坛",
        "news front": "/news/",
    }
    story.tags.add("两个加快")  # the demo's stories carry no tags
    pages["tag"] = f"/tags/{story.tags.get().slug}/"
    found = {name: violations(browser, path) for name, path in pages.items()}
    assert found == {name: [] for name in pages}
