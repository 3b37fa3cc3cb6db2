import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.roles import CHIEF
from articles.services import article_withdraw
from articles.models import Article
from issues.models import Page
from issues.services import page_redact_withdrawn
from tests.factories import (
    ArticleFactory,
    HotZoneFactory,
    IssueFactory,
    PageFactory,
    PlacementFactory,
    png_bytes,
    role_user,
)
from tests.helpers import pdf_file

pytestmark = pytest.mark.django_db

# The story's zone on the page: the top-left quarter. The page is black ("text") everywhere.
ZONE = {"x": 0.0, "y": 0.0, "width": 0.5, "height": 0.5}


@pytest.fixture
def chief():
    return role_user(CHIEF, username="zhiban")


@pytest.fixture
def printed_page(released_issue):
    """A released page, its image and PDF, a story with a hot zone and a story without one."""
    page = PageFactory(
        issue=released_issue, number=1, name="要闻",
        image=SimpleUploadedFile("p1.png", png_bytes(400, 560, "black")),
        pdf=pdf_file(1),
    )
    withdrawn = PlacementFactory(page=page, article=ArticleFactory(approved=True, headline="撤稿的报道"))
    HotZoneFactory(placement=withdrawn, **ZONE)
    kept = PlacementFactory(page=page, article=ArticleFactory(approved=True, headline="留下的报道"))
    HotZoneFactory(placement=kept, x=0.5, y=0.5, width=0.5, height=0.5)
    return page


def withdraw(page: Page, chief, headline: str = "撤稿的报道") -> Page:
    article = page.placements.get(article__headline=headline).article
    article_withdraw(article=article, user=chief, reason="数据有误，撤稿核实。")
    return Page.objects.get(pk=page.pk)


def served_image(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200, url
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")


def is_masked(pixel) -> bool:
    return min(pixel) > 150  # the grey mask, where the page was black


def test_withdrawing_a_story_masks_its_zone_on_the_page_image_readers_get(client, chief, printed_page):
    page = withdraw(printed_page, chief)

    image = served_image(client, page.image.url)
    width, height = image.size
    assert is_masked(image.getpixel((width // 4, height // 4)))  # the withdrawn story's zone
    assert not is_masked(image.getpixel((3 * width // 4, 3 * height // 4)))  # the story that stays
    for size in page.image_renditions["sizes"]:  # the renditions are made from the masked image
        rendition = served_image(client, default_storage.url(size["jpeg"]))
        assert is_masked(rendition.getpixel((rendition.width // 4, rendition.height // 4)))


def test_the_page_image_as_printed_changes_address_and_is_404_for_readers(client, chief, printed_page):
    printed_url = printed_page.image.url
    rendition_urls = [default_storage.url(size["webp"]) for size in printed_page.image_renditions["sizes"]]

    page = withdraw(printed_page, chief)

    assert page.image.url != printed_url and page.printed_image.url == printed_url
    assert client.get(printed_url).status_code == 404
    assert all(client.get(url).status_code == 404 for url in rendition_urls)
    content = client.get(page.get_absolute_url()).content.decode()
    assert page.image.name.rsplit("/", 1)[-1] in content and printed_url not in content


def test_the_page_pdf_is_withheld_and_the_page_says_a_story_was_withdrawn(client, chief, printed_page):
    pdf_url = printed_page.pdf.url

    page = withdraw(printed_page, chief)

    assert client.get(pdf_url).status_code == 404
    content = client.get(page.get_absolute_url()).content.decode()
    assert pdf_url not in content and ".pdf" not in content
    assert "本版有稿件已撤稿。" in content and "版面图上已将其遮盖。" in content
    assert "本版 PDF 暂停提供。" in content
    api = client.get(f"/api/v1/issues/{page.issue.date}/pages/1").json()
    assert api["pdf"] is None and api["image"].endswith(page.image.name)


def test_staff_who_may_view_pages_still_get_the_files_as_printed(client, chief, printed_page):
    page = withdraw(printed_page, chief)
    client.force_login(role_user(CHIEF, username="desk"))
    for url in (page.printed_image.url, page.withheld_pdf.url):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_a_corrected_pdf_uploaded_by_the_desk_is_linked_again(client, chief, printed_page):
    page = withdraw(printed_page, chief)
    page.pdf = pdf_file(1)
    page.save()

    content = client.get(page.get_absolute_url()).content.decode()
    assert page.pdf.url in content and "本版 PDF 暂停提供" not in content
    assert client.get(page.pdf.url).status_code == 200


def test_a_withdrawn_story_without_a_zone_withholds_the_whole_page_image(client, chief, printed_page):
    printed_page.placements.get(article__headline="撤稿的报道").hot_zones.all().delete()
    printed_url = printed_page.image.url

    page = withdraw(printed_page, chief)

    assert not page.image and page.image_renditions == {}
    assert client.get(printed_url).status_code == 404
    assert "本版版面图暂不提供。" in client.get(page.get_absolute_url()).content.decode()


def test_a_second_withdrawal_masks_both_stories_from_the_print(
    client, chief, printed_page, django_capture_on_commit_callbacks
):
    first = withdraw(printed_page, chief)
    with django_capture_on_commit_callbacks(execute=True):
        second = withdraw(first, chief, headline="留下的报道")

    assert second.printed_image.name == printed_page.image.name
    assert not default_storage.exists(first.image.name)  # the first masked copy is replaced
    image = served_image(client, second.image.url)
    assert is_masked(image.getpixel((image.width // 4, image.height // 4)))
    assert is_masked(image.getpixel((3 * image.width // 4, 3 * image.height // 4)))


def test_withdrawing_a_story_of_an_unreleased_issue_masks_its_page_before_release(chief):
    page = PageFactory(image=SimpleUploadedFile("p.png", png_bytes(40, 56, "black")), issue__released=False)
    placement = PlacementFactory(page=page, article=ArticleFactory(approved=True))
    HotZoneFactory(placement=placement, **ZONE)
    article_withdraw(article=placement.article, user=chief, reason="不再刊发。")
    page.refresh_from_db()
    assert page.is_redacted and page.printed_image
    with Image.open(page.image) as image:
        assert is_masked(image.convert("RGB").getpixel((5, 5)))


def test_withdrawing_a_story_leaves_pages_without_files_and_other_pages_alone(chief, printed_page):
    bare = PlacementFactory(page=PageFactory(issue=printed_page.issue, number=2), article=ArticleFactory(approved=True))
    article_withdraw(article=bare.article, user=chief, reason="不再刊发。")
    assert not any(page.is_redacted for page in Page.objects.all())


def test_a_withdrawal_after_the_desk_replaced_the_image_masks_the_new_image(client, chief, printed_page):
    first = withdraw(printed_page, chief)
    first.image = SimpleUploadedFile("corrected.png", png_bytes(400, 560, "navy"))
    first.save()

    second = withdraw(first, chief, headline="留下的报道")

    assert second.printed_image.name == printed_page.image.name  # the print is kept as it was
    image = served_image(client, second.image.url)
    assert is_masked(image.getpixel((3 * image.width // 4, 3 * image.height // 4)))
    assert is_masked(image.getpixel((image.width // 4, image.height // 4)))
    red, _green, blue = image.getpixel((3 * image.width // 4, image.height // 4))  # outside both zones
    assert blue > 100 and red < 50  # the desk's navy image, not the black print


def test_redacting_a_signed_off_page_of_an_open_issue_takes_back_its_sign_off(chief):
    page = PageFactory(
        image=SimpleUploadedFile("p.png", png_bytes(40, 56, "black")), issue=IssueFactory(release_at=None)
    )
    Page.objects.filter(pk=page.pk).update(signed_off_by=chief, signed_off_at=timezone.now())
    placement = PlacementFactory(page=page, article=ArticleFactory(status=Article.Status.WITHDRAWN))
    HotZoneFactory(placement=placement, **ZONE)

    redacted = page_redact_withdrawn(page=page)  # the service itself, whoever calls it

    assert redacted.is_redacted
    assert Page.objects.filter(pk=page.pk, signed_off_at__isnull=True, signed_off_by__isnull=True).exists()


def test_a_released_page_keeps_its_sign_off_when_a_withdrawal_redacts_it(chief, printed_page):
    Page.objects.filter(pk=printed_page.pk).update(signed_off_by=chief, signed_off_at=timezone.now())

    page = withdraw(printed_page, chief)

    assert page.is_redacted and page.signed_off_by == chief  # what was signed off is kept as printed
