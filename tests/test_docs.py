"""The documentation stays true: the README is short and names only real paths, the manual's
pictures are the ones the browser tests take, the MkDocs site builds strictly and offline, and
the desk's header leads each person to their role's chapter."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from articles.roles import CHIEF, EDITOR, FINANCE, REPORTER
from tests.factories import UserFactory, role_user

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCREENSHOTS = DOCS / "screenshots"
# Made by bin/setup and bin/docs, never committed: the README may name them.
GENERATED = {".venv", "static/manual/"}


def readme_paths() -> set[str]:
    """Every repository path the README names: link targets, `code` that looks like a path, and
    the commands its shell blocks run."""
    text = (ROOT / "README.md").read_text()
    commands = {line.split()[0] for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines() if line.strip()}
    links = set(re.findall(r"\]\(([^)#\s]+)", text))
    code = {
        token for token in re.findall(r"`([^`\s]+)`", text)
        if ("/" in token or token.startswith(".")) and not token.startswith(("/", "http"))
    }
    return {path for path in links | code | commands if not path.startswith(("http://", "https://"))}


def test_readme_is_read_in_five_minutes():
    assert len((ROOT / "README.md").read_text().splitlines()) < 150


def test_every_path_the_readme_names_exists():
    paths = readme_paths()
    assert {"bin/run", "bin/test", "docs/manual/reporter.md", "CHANGELOG.md"} <= paths
    missing = sorted(path for path in paths - GENERATED if not (ROOT / path).exists())
    assert missing == []


def pictures_in_the_docs() -> dict[str, str]:
    """Picture file name -> the page that shows it, for every image in docs/."""
    found = {}
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text()):
            found[Path(target).name] = page.relative_to(DOCS).as_posix()
            assert "screenshots/" in target, f"{page.name}: {target} is not a screenshot taken by the tests"
    return found


def pictures_the_tests_take() -> set[str]:
    """Names passed to tests.browser.steps.screenshot() in the browser tests."""
    return {
        name
        for module in (ROOT / "tests" / "browser").glob("test_*.py")
        for name in re.findall(r"screenshot\(\s*browser,\s*\"([^\"]+\.png)\"", module.read_text())
    }


def test_every_picture_the_manual_shows_exists_and_is_taken_by_a_browser_test():
    shown = pictures_in_the_docs()
    taken = pictures_the_tests_take()
    assert {"reporter-file-form.png", "reporter-submit-button.png"} <= shown.keys()
    assert {name: page for name, page in shown.items() if name not in taken} == {}
    assert {name: page for name, page in shown.items() if not (SCREENSHOTS / name).is_file()} == {}


def test_no_picture_in_the_screenshots_folder_is_made_by_hand():
    assert sorted(path.name for path in SCREENSHOTS.glob("*.png") if path.name not in pictures_the_tests_take()) == []


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("manual")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return site


def test_the_manual_builds_strictly_with_a_chapter_per_role(built_site):
    for chapter in ("reporter", "editor", "chief", "finance", "admin", "readers", "index"):
        assert (built_site / "manual" / f"{chapter}.html").is_file()
    assert (built_site / "screenshots" / "reporter-file-form.png").is_file()


def test_a_missing_picture_fails_the_build(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 手册\n\n![缺图](screenshots/nowhere.png)\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nstrict: true\ntheme:\n  name: mkdocs\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0 and "nowhere.png" in result.stderr


def test_the_built_manual_loads_nothing_from_outside(built_site):
    """Offline on the newsroom's network: no script, style, font or image from another host."""
    outside = re.compile(r"""(?:<(?:script|img|link|iframe|source)\b[^>]*?\b(?:src|href)=["']?(?:https?:)?//)|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:url\()?\s*["']?(?:https?:)?//""", re.I)
    offenders = [
        path.relative_to(built_site).as_posix()
        for path in built_site.rglob("*")
        if path.suffix in {".html", ".css", ".js"} and outside.search(path.read_text(errors="replace"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("role", "chapter"),
    [(REPORTER, "reporter"), (EDITOR, "editor"), (CHIEF, "chief"), (FINANCE, "finance"), (None, "admin")],
)
def test_the_desk_header_links_to_the_manual_of_the_persons_role(db, client, role, chapter):
    user = role_user(role) if role else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    # Finance files no stories: its second screen is the statement's.
    other = "admin:contributors_statement_changelist" if role == FINANCE else "admin:articles_article_changelist"
    for url in (reverse("admin:index"), reverse(other)):
        page = client.get(url).content.decode()
        assert f'href="/static/manual/manual/{chapter}.html" class="manual-link">使用手册</a>' in page
