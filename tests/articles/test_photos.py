"""Photos as cameras make them, through one door: the admin's forms, the services, the page."""

import pytest
from django.urls import reverse

from articles.models import Article, Photo
from tests.admin_forms import article_form, inline_management, jpeg

pytestmark = pytest.mark.django_db


def photo_row(photo: Photo, index: int = 0, **overrides) -> dict:
    """One existing photo of the article form's inline, as the browser posts it back."""
    data = {
        f"photos-{index}-id": str(photo.pk),
        f"photos-{index}-article": str(photo.article_id),
        f"photos-{index}-caption": photo.caption,
        f"photos-{index}-credit": photo.credit,
        f"photos-{index}-order": str(photo.order),
    }
    data.update({f"photos-{index}-{key}": value for key, value in overrides.items()})
    return data


def test_article_with_a_photo_can_be_saved_four_times_through_its_change_form(reporter_client, media_root):
    add = article_form(**inline_management("photos", total=1), **{"photos-0-order": "1", "photos-0-caption": "现场"})
    add["photos-0-image"] = jpeg(400, 300)
    response = reporter_client.post(reverse("admin:articles_article_add"), {**add, "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])

    for round, change in enumerate([{}, {"caption": "新的图片说明"}, {"image": jpeg(500, 400)}, {}]):
        article.refresh_from_db()
        photo = article.photos.get()
        data = article_form(
            known_version=str(article.version),
            **inline_management("photos", total=1, initial=1),
            **photo_row(photo, **change),
        )
        response = reporter_client.post(url, {**data, "_continue": "1"})
        assert response.status_code == 302, (round, response.content.decode()[:3000])

    photo = Photo.objects.get()
    assert photo.caption == "新的图片说明"
    assert (photo.width, photo.height) == (500, 400)
    assert photo.image.storage.exists(photo.image.name)
    assert photo.renditions["source"] == photo.image.name
