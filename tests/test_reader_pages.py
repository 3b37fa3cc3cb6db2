"""What every reader page carries: a description, an icon, named search landmarks, compressed bytes."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from newsroom.middleware import TextGZipMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_urls(front_story):
    page = front_story.placements.get().page
    return {
        "front": reverse("issues:front"),
        "page": page.get_absolute_url(),
        "article": front_story.get_absolute_url(),
        "archive": reverse("issues:archive"),
        "search": reverse("articles:search") + "?q=新闻",
        "missing issue": "/2001-01-01/",
    }


def descriptions(content: str) -> list[str]:
    return re.findall(r'<meta name="description" content="([^"]*)">', content)


def test_every_reader_page_has_one_meta_description(client, reader_urls):
    for name, url in reader_urls.items():
        found = descriptions(client.get(url).content.decode())
        assert len(found) == 1 and found[0].strip(), name


def test_a_page_is_described_by_its_date_page_and_headlines(client, front_story):
    page = front_story.placements.get().page
    (description,) = descriptions(client.get(page.get_absolute_url()).content.decode())
    assert "第一版" in description and page.name in description and front_story.headline in description


def test_every_search_landmark_has_its_own_name(client, reader_urls):
    content = client.get(reader_urls["search"]).content.decode()
    forms = re.findall(r'<form [^>]*role="search"[^>]*>', content)
    assert len(forms) == 2
    names = [re.search(r'aria-label(?:ledby)?="([^"]+)"', form).group(1) for form in forms]
    assert len(set(names)) == 2


def test_favicon_ico_leads_to_the_papers_icon(client, reader_urls):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    assert 'rel="icon"' in client.get(reader_urls["front"]).content.decode()


def test_reader_pages_are_gzipped_for_browsers_that_ask(client, reader_urls):
    plain = client.get(reader_urls["front"])
    zipped = client.get(reader_urls["front"], headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content


def test_a_cached_page_is_gzipped_too_and_still_answers_304(client, reader_urls):
    client.get(reader_urls["front"])  # stored
    zipped = client.get(reader_urls["front"], headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    again = client.get(reader_urls["front"], headers={"accept-encoding": "gzip", "if-none-match": zipped["ETag"]})
    assert again.status_code == 304


def test_images_are_not_gzipped_again():
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    image = HttpResponse(b"\x89PNG" + b"0" * 1000, content_type="image/png")
    assert "Content-Encoding" not in TextGZipMiddleware(lambda r: image)(request)
