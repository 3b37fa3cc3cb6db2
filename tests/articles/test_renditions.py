import copy
import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from articles.models import Photo
from newsroom.images.renditions import EXTENSIONS, PHOTO_WIDTHS, named_after_source, original_name, rename_renditions
from issues.models import Page
from tests.factories import IssueFactory, PageFactory, PhotoFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def jpeg(width: int, height: int) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def test_photo_gets_jpeg_and_webp_renditions_at_each_width_when_saved():
    photo = PhotoFactory(image=jpeg(2000, 1000))

    sizes = photo.renditions["sizes"]

    assert [size["width"] for size in sizes] == sorted(PHOTO_WIDTHS.values())
    assert [size["height"] for size in sizes] == [120, 360, 720]
    for size in sizes:
        with default_storage.open(size["webp"]) as file, Image.open(file) as image:
            assert image.format == "WEBP" and image.width == size["width"]
        with default_storage.open(size["jpeg"]) as file, Image.open(file) as image:
            assert image.format == "JPEG"


def test_small_photo_is_never_upscaled():
    photo = PhotoFactory(image=jpeg(500, 300))
    assert [size["width"] for size in photo.renditions["sizes"]] == [240, 500]


def test_renditions_are_made_once_and_remade_when_the_image_changes(django_capture_on_commit_callbacks):
    photo = PhotoFactory(image=jpeg(800, 600))
    first = photo.renditions

    photo.caption = "改了图片说明"
    photo.save()
    assert photo.renditions == first

    with django_capture_on_commit_callbacks(execute=True):
        photo.image = jpeg(900, 600)
        photo.save()
    assert photo.renditions["source"] != first["source"]
    # The old renditions are gone with the image they were made from, once the save committed.
    assert not default_storage.exists(first["sizes"][0]["jpeg"])


def test_renditions_are_named_after_their_image_and_lead_back_to_it():
    photo = PhotoFactory(image=jpeg(800, 600))
    file = photo.image.name.removeprefix("photos/")

    names = {size[kind] for size in photo.renditions["sizes"] for kind in ("jpeg", "webp")}

    assert names == {
        f"photos/renditions/{file}-{width}.{extension}" for width in (240, 720, 800) for extension in ("jpg", "webp")
    }
    assert {original_name(name) for name in names} == {photo.image.name}


def test_a_replaced_image_gets_renditions_of_its_own_name(django_capture_on_commit_callbacks):
    photo = PhotoFactory(image=jpeg(800, 600))
    old = [size["jpeg"] for size in photo.renditions["sizes"]]

    with django_capture_on_commit_callbacks() as callbacks:
        photo.image = jpeg(800, 600)
        photo.save()

    new = [size["jpeg"] for size in photo.renditions["sizes"]]
    assert set(old).isdisjoint(new) and all(default_storage.exists(name) for name in new)
    # Until the save commits, readers of the published story still find the old renditions.
    assert all(default_storage.exists(name) for name in old)
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in old)


def test_a_save_that_fails_keeps_the_old_renditions_and_leaves_no_new_files(media_root):
    from django.db import transaction

    photo = PhotoFactory(image=jpeg(800, 600))
    old = dict(photo.renditions)
    before = sorted(path for path in media_root.rglob("*") if path.is_file())

    with pytest.raises(RuntimeError), transaction.atomic():
        photo.image = jpeg(900, 600)
        try:
            photo.save()
            raise RuntimeError("the database refused the save")
        except RuntimeError:
            from newsroom.images.renditions import discard_written_files

            discard_written_files(photo)
            raise

    photo.refresh_from_db()
    assert photo.renditions == old
    assert sorted(path for path in media_root.rglob("*") if path.is_file()) == before


def test_a_very_tall_image_gets_renditions_webp_can_hold():
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1, 30000), "red").save(buffer, "PNG")
    page = PageFactory(image=ContentFile(buffer.getvalue(), name="strip.png"))

    sizes = page.image_renditions["sizes"]
    assert sizes and all(size["height"] <= 16383 for size in sizes)
    assert all(default_storage.exists(size["webp"]) for size in sizes)


def test_a_tall_rendition_is_narrowed_so_webp_can_hold_it():
    from newsroom.images.renditions import make_renditions

    photo = PhotoFactory(image=jpeg(20, 20))
    # A master longer than WebP allows (an image stored before masters were bounded).
    buffer = io.BytesIO()
    Image.new("RGB", (400, 20000), "red").save(buffer, "JPEG")
    name = default_storage.save("photos/tall.jpg", ContentFile(buffer.getvalue()))
    photo.image.name = name

    made = make_renditions(photo.image, widths=PHOTO_WIDTHS)

    assert made["sizes"] and all(size["height"] <= 16383 for size in made["sizes"])
    assert all(default_storage.exists(size["webp"]) for size in made["sizes"])


@pytest.mark.parametrize(
    "name",
    [
        "photos/3f2a.jpg",
        "photos/renditions/3f2a.jpg-720.png",
        "photos/renditions/3f2a.jpg-0720.jpg",
        "photos/renditions/3f2a.jpg.webp",
        "photos/renditions/sub/3f2a.jpg-720.jpg",
        "photos/renditions/9b0c6e1d2f3a4b5c6d7e8f9a0b1c2d3e.webp",
    ],
)
def test_a_name_that_is_no_derived_rendition_name_leads_to_no_image(name):
    assert original_name(name) is None


def legacy_renditions(photo) -> dict:
    """Move a photo's renditions to random names, as renditions were named before."""
    renditions = copy.deepcopy(photo.renditions)
    for size in renditions["sizes"]:
        for key in ("jpeg", "webp"):
            with default_storage.open(size[key]) as file:
                random_name = default_storage.save(f"photos/renditions/{uuid.uuid4().hex}.{EXTENSIONS[key]}", file)
            default_storage.delete(size[key])
            size[key] = random_name
    Photo.objects.filter(pk=photo.pk).update(renditions=renditions)
    return renditions


def test_renditions_under_random_names_are_renamed_after_their_image_with_their_bytes(client):
    story = PlacementFactory(page=PageFactory(issue=IssueFactory())).article
    photo = PhotoFactory(article=story, image=jpeg(800, 600))
    derived = photo.renditions
    legacy = legacy_renditions(photo)
    legacy_bytes = {size["webp"]: default_storage.open(size["webp"]).read() for size in legacy["sizes"]}
    assert legacy["sizes"][0]["jpeg"] in client.get(story.get_absolute_url()).content.decode()  # now cached

    assert rename_renditions(Photo, "renditions") == 1

    photo.refresh_from_db()
    assert photo.renditions == derived
    # The cached page went with the old names.
    assert derived["sizes"][0]["jpeg"] in client.get(story.get_absolute_url()).content.decode()
    for old, new in zip(legacy["sizes"], photo.renditions["sizes"]):
        assert default_storage.open(new["webp"]).read() == legacy_bytes[old["webp"]]
        assert not default_storage.exists(old["webp"]) and not default_storage.exists(old["jpeg"])
        assert client.get(default_storage.url(new["jpeg"])).status_code == 200
    # Run again (an interrupted upgrade, or makerenditions after it): nothing left to do.
    assert rename_renditions(Photo, "renditions") == 0


def test_a_row_the_old_version_saved_back_with_random_names_is_put_right_by_the_next_run():
    photo = PhotoFactory(image=jpeg(800, 600))
    legacy = legacy_renditions(photo)
    rename_renditions(Photo, "renditions")
    # An editor's form, loaded before the rename, saved after it by the version still serving.
    Photo.objects.filter(pk=photo.pk).update(renditions=legacy)

    assert rename_renditions(Photo, "renditions") == 1

    photo.refresh_from_db()
    assert named_after_source(photo.renditions)
    assert all(default_storage.exists(name) for size in photo.renditions["sizes"] for name in (size["jpeg"], size["webp"]))


def test_rename_leaves_renditions_of_another_image_to_makerenditions():
    photo = PhotoFactory(image=jpeg(800, 600))
    legacy = legacy_renditions(photo)
    Photo.objects.filter(pk=photo.pk).update(renditions={**legacy, "source": "photos/replaced.jpg"})

    assert rename_renditions(Photo, "renditions") == 0
    call_command("makerenditions", stdout=io.StringIO())

    photo.refresh_from_db()
    assert photo.renditions["source"] == photo.image.name and named_after_source(photo.renditions)
    assert all(default_storage.exists(size["jpeg"]) for size in photo.renditions["sizes"])


def test_photo_whose_file_cannot_be_read_falls_back_to_the_original(caplog):
    photo = PhotoFactory(image=jpeg(300, 200))
    photo.renditions = {}
    photo.image.storage.save(photo.image.name + ".bad", ContentFile(b"not an image"))
    photo.image.name = photo.image.name + ".bad"
    photo.save()

    assert photo.renditions == {}
    assert photo.rendition_set.src == photo.image.url and photo.rendition_set.srcset == ""


def test_article_page_shows_a_picture_with_webp_srcset_caption_and_credit(client):
    story = PlacementFactory(page=PageFactory(issue=IssueFactory())).article
    photo = PhotoFactory(article=story, image=jpeg(1600, 1200), caption="项目现场", credit="记者 左燕")

    content = client.get(story.get_absolute_url()).content.decode()

    assert '<source type="image/webp"' in content
    for size in photo.renditions["sizes"]:
        assert f'{default_storage.url(size["webp"])} {size["width"]}w' in content
        assert f'{default_storage.url(size["jpeg"])} {size["width"]}w' in content
    assert "项目现场" in content and "记者 左燕" in content


def test_makerenditions_fills_in_what_older_photos_and_pages_lack_and_renames_random_names():
    photo = PhotoFactory(image=jpeg(800, 600))
    page = PageFactory(with_image=True)
    renamed = PhotoFactory(image=jpeg(800, 600))
    derived = renamed.renditions
    legacy_renditions(renamed)
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    Page.objects.filter(pk=page.pk).update(image_renditions={})

    out = io.StringIO()
    call_command("makerenditions", stdout=out)

    photo.refresh_from_db()
    page.refresh_from_db()
    renamed.refresh_from_db()
    assert photo.renditions["source"] == photo.image.name and photo.renditions["sizes"]
    assert page.image_renditions["source"] == page.image.name and page.image_renditions["sizes"]
    assert renamed.renditions == derived
    assert "made for 2 images, renamed for 1" in out.getvalue()
