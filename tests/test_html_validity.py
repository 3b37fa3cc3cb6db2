"""The W3C Nu HTML checker on every reader page of the demo paper: no errors.

The checker (vnu.jar, from the vnu-jar npm package) needs Java; .ci/run fetches it to
$VNU_JAR (default /tmp/newsroom-ci/vnu.jar). Missing, the test skips here and fails in CI.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

VNU_JAR = Path(os.environ.get("VNU_JAR", "/tmp/newsroom-ci/vnu.jar"))


@pytest.fixture
def vnu(in_ci):
    if not (VNU_JAR.exists() and shutil.which("java")):
        message = f"The HTML check needs Java and the Nu checker at {VNU_JAR} (.ci/run fetches it)."
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    return VNU_JAR


def _online_story() -> Article:
    """A story released online (网络首发) and in no issue: its page has no page line."""
    from articles.roles import CHIEF
    from articles.services import article_release_online
    from tests.factories import ArticleFactory, role_user

    story = ArticleFactory(approved=True, headline="网络首发的快讯")
    return article_release_online(article=story, user=role_user(CHIEF, username="html-chief"))


def test_reader_pages_have_no_html_errors(client, vnu, tmp_path):
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))
    story = Article.objects.published().order_by("pk").first()
    story.tags.add("两个加快")
    pages = {
        "front": "/",
        "page": "/2020-12-03/2/",
        "article": story.get_absolute_url(),
        "archive": reverse("issues:archive"),
        "search": reverse("articles:search") + "?q=金坛",
        "tag": reverse("articles:tag-detail", args=[story.tags.get().slug]),
        "no issue that day": "/2020-12-04/",
        "news front": reverse("articles:news"),
        "story online first": _online_story().get_absolute_url(),
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        file = tmp_path / f"{name.replace(' ', '-')}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    checked = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", *files],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    assert [(Path(m["url"]).stem, m.get("lastLine"), m["message"]) for m in messages] == []
