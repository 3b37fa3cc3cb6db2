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
