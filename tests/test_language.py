import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_pages_are_chinese_by_default_even_for_an_english_browser(client):
    content = client.get(reverse("issues:archive"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "往期回顾" in content


def test_language_link_switches_to_english_and_returns_to_the_page(client):
    response = client.get(reverse("switch-language", args=["en"]), {"next": "/archive/"})

    assert response.status_code == 302 and response["Location"] == "/archive/"
    assert "Archive" in client.get("/archive/").content.decode()


def test_language_link_refuses_other_sites_and_unknown_languages(client):
    response = client.get(reverse("switch-language", args=["en"]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get(reverse("switch-language", args=["xx"])).status_code == 404


def test_public_pages_set_no_cookie_so_shared_caches_can_store_them(client):
    response = client.get(reverse("issues:archive"))
    assert response.cookies == {}


@pytest.mark.parametrize("cookie", ["de", "fr", "zh-hant", "en-us", "xx"])
def test_a_language_cookie_outside_the_sites_languages_gives_the_chinese_page(client, settings, cookie):
    """Django is translated into de and fr: a cookie for them switched the site's own labels."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get(reverse("issues:archive"))
    assert "往期回顾" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_a_foreign_language_cookie_shares_the_chinese_cache_key(rf, settings):
    from newsroom.cache import _page_key

    request = rf.get("/archive/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "de"
    chinese = rf.get("/archive/")
    assert _page_key(request) == _page_key(chinese)
