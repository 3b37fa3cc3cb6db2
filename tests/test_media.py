"""The checked media view finds a file's owner with one indexed look-up, renditions included.

tests/test_leak_sweep.py proves that nothing hidden is served; this module pins how the view
gets there: a rendition leads to the photo or page whose image it was made from, a guessed
name leads nowhere, and any file costs one query that reads a file-name index.
"""

import io
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from PIL import Image

from newsroom.media import MEDIA_OWNERS
from tests.admin_forms import jpeg
from tests.factories import (
    ArticleFactory,
    PageFactory,
    PhotoFactory,
    UserFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_photo(front_story):
    return PhotoFactory(article=front_story, image=jpeg(800, 600))


@pytest.fixture
def hidden_photo(db):
    """A photo of a draft that was never placed."""
    return PhotoFactory(article=ArticleFactory(), image=jpeg(800, 600))


@pytest.fixture
def released_page(released_issue):
    return PageFactory(
        issue=released_issue,
        number=2,
        image=SimpleUploadedFile("p2.png", png_bytes(300, 424)),
        pdf=SimpleUploadedFile("p2.pdf", b"%PDF-1.4 minimal"),
    )


def url(name: str) -> str:
    return default_storage.url(name)


def rendition_names(renditions: dict) -> list[str]:
    return [size[key] for size in renditions["sizes"] for key in ("jpeg", "webp")]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_renditions_of_a_published_photo_are_served_and_cacheable(client, published_photo):
    for size in published_photo.renditions["sizes"]:
        for key, image_format in (("jpeg", "JPEG"), ("webp", "WEBP")):
            response = client.get(url(size[key]))
            assert response.status_code == 200, size[key]
            assert "public" in response["Cache-Control"]
            with Image.open(io.BytesIO(body(response))) as image:
                assert (image.format, image.width) == (image_format, size["width"])


def test_renditions_of_a_released_page_image_are_served(client, released_page):
    for name in rendition_names(released_page.image_renditions):
        assert client.get(url(name)).status_code == 200, name


def test_renditions_of_an_unpublished_photo_are_404_for_readers(client, hidden_photo):
    names = rendition_names(hidden_photo.renditions)
    assert len(names) == 6 and all(default_storage.exists(name) for name in names)
    for name in names:
        assert client.get(url(name)).status_code == 404, name


def test_staff_who_may_view_photos_see_an_unpublished_photos_renditions_uncached(client, hidden_photo):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(content_type__app_label="articles", codename="view_photo"))
    client.force_login(editor)

    for name in rendition_names(hidden_photo.renditions):
        response = client.get(url(name))
        assert response.status_code == 200, name
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_staff_without_the_view_permission_get_404_for_an_unpublished_photos_renditions(client, hidden_photo):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(hidden_photo.renditions["sizes"][0]["webp"])).status_code == 404


def test_renditions_of_a_withdrawn_story_are_404_again(client, published_photo):
    name = published_photo.renditions["sizes"][0]["jpeg"]
    assert client.get(url(name)).status_code == 200
    published_photo.article.status = published_photo.article.Status.WITHDRAWN
    published_photo.article.save()
    assert client.get(url(name)).status_code == 404


GUESSES = {
    "another width": "photos/renditions/{file}-500.jpg",
    "another format": "photos/renditions/{file}-240.png",
    "jpeg spelled out": "photos/renditions/{file}-240.jpeg",
    "the stem alone": "photos/renditions/{stem}-240.jpg",
    "a made-up stem": "photos/renditions/{made_up}.jpg-240.jpg",
    "the original's name in the renditions folder": "photos/renditions/{file}",
    "the page folder": "pages/renditions/{file}-240.jpg",
}


@pytest.mark.parametrize("guess", GUESSES)
def test_a_guessed_rendition_name_of_a_published_photo_is_404(client, published_photo, guess):
    file = published_photo.image.name.removeprefix("photos/")
    name = GUESSES[guess].format(file=file, stem=file.rsplit(".", 1)[0], made_up=uuid.uuid4().hex)
    assert client.get(url(published_photo.renditions["sizes"][0]["jpeg"])).status_code == 200
    assert client.get(url(name)).status_code == 404


def test_a_rendition_left_behind_by_a_replaced_image_is_404(client, published_photo, media_root):
    old = published_photo.renditions["sizes"][0]["jpeg"]
    (media_root / old).parent.mkdir(parents=True, exist_ok=True)
    published_photo.image = jpeg(800, 600)
    published_photo.save()
    (media_root / old).write_bytes(b"a rendition whose image was replaced")  # as if a delete had failed

    assert client.get(url(old)).status_code == 404
    assert client.get(url(published_photo.renditions["sizes"][0]["jpeg"])).status_code == 200


def served_names(photo, page) -> dict[str, tuple[str, int]]:
    """A file of each kind, and how many queries a reader's request for it costs."""
    return {
        "photo": (photo.image.name, 1),
        "photo rendition": (photo.renditions["sizes"][-1]["webp"], 1),
        "page image": (page.image.name, 1),
        "page rendition": (page.image_renditions["sizes"][0]["jpeg"], 1),
        "page PDF": (page.pdf.name, 1),
        "nobody's photo": (f"photos/{uuid.uuid4().hex}.jpg", 1),
        "nobody's rendition": (f"pages/renditions/{uuid.uuid4().hex}.png-200.jpg", 1),
        # Outside every owner's folder: no query at all.
        "outside the upload folders": ("static/site.css", 0),
    }


@pytest.mark.parametrize("other_photos", [0, 12])
def test_serving_a_file_costs_one_query_however_many_photos_there_are(
    client, django_assert_num_queries, published_photo, released_page, other_photos
):
    PhotoFactory.create_batch(other_photos, article=published_photo.article)
    for kind, (name, queries) in served_names(published_photo, released_page).items():
        with django_assert_num_queries(queries):
            status = client.get(url(name)).status_code
        assert status == (200 if kind in {"photo", "photo rendition", "page image", "page rendition", "page PDF"} else 404), kind


def query_plan(sql: str) -> str:
    """The database's plan for a query; PostgreSQL is told to prefer indexes, as it would on a big table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())


def test_the_owner_is_found_through_a_file_name_index(client, published_photo, released_page):
    requests = {
        published_photo.renditions["sizes"][0]["webp"]: "photo_image_idx",
        released_page.image_renditions["sizes"][0]["jpeg"]: "page_image_idx",
        released_page.pdf.name: "page_pdf_idx",
    }
    for name, index in requests.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url(name))
        (query,) = captured.captured_queries
        assert index in query_plan(query["sql"]), name


def test_every_file_field_is_served_through_an_owner_with_an_index():
    """A new kind of upload joins MEDIA_OWNERS, under the folder its upload_to writes to, indexed."""
    listed = set()
    for owner in MEDIA_OWNERS:
        model = apps.get_model(owner.model)
        indexed = {index.fields[0] for index in model._meta.indexes}
        assert owner.renditions_of in (None, *owner.files)
        for name in owner.files:
            field = model._meta.get_field(name)
            assert field.generate_filename(model(), "upload.jpg").startswith(f"{owner.folder}/"), name
            assert name in indexed or field.db_index, f"{owner.model}.{name} has no index"
            listed.add(f"{owner.model}.{name}")
    file_fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert file_fields == listed


def test_published_files_are_kept_by_caches_five_minutes_then_revalidated(client, released_page):
    """An hour let a withdrawn story's photo live on in proxies long after 撤稿."""
    cache_control = client.get(released_page.image.url)["Cache-Control"]
    assert set(cache_control.replace(" ", "").split(",")) == {"public", "max-age=300", "must-revalidate"}
