"""The desk's e-paper tools: hot zones drawn on the page image, page PDFs, the issue's print PDF."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from issues.models import HotZone, Issue, Page
from tests.factories import (
    ArticleFactory,
    HotZoneFactory,
    IssueFactory,
    PageFactory,
    PlacementFactory,
    UserFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def pdf_upload(pages: int = 1, name: str = "issue.pdf") -> SimpleUploadedFile:
    """A real PDF made by Pillow: one coloured page per printed page, broadsheet proportions."""
    colours = ["white", "lightyellow", "lightblue", "pink", "lightgreen", "lightgrey"]
    images = [Image.new("RGB", (100, 141), colours[n % len(colours)]) for n in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=25)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def page_form(page: Page, **files) -> dict:
    return {
        "issue": str(page.issue_id),
        "number": str(page.number),
        "name": page.name,
        "slogans": "",
        **management("placements"),
        **management("teasers"),
        **files,
    }


# --- Hot zones --------------------------------------------------------------------------------


def test_zone_editor_shows_the_page_image_and_only_this_pages_stories(staff_client):
    page = PageFactory(issue__release_at=None, number=1, with_image=True)
    here = PlacementFactory(page=page, article=ArticleFactory(headline="本版的稿件"))
    PlacementFactory(page=PageFactory(issue=page.issue, number=2), article=ArticleFactory(headline="别版的稿件"))

    content = staff_client.get(reverse("admin:issues_page_zones", args=[page.pk])).content.decode()

    assert page.image_rendition_set.src in content
    assert "zones-editor.js" in content and "data-zone-editor" in content
    assert "本版的稿件" in content and "别版的稿件" not in content
    assert f'value="{here.pk}"' in content


def test_zone_editor_saves_a_drawn_zone_and_the_reader_can_click_it(staff_client, client):
    page = PageFactory(issue__release_at=None, number=1, with_image=True)
    placement = PlacementFactory(page=page)
    data = {
        **management("zones", total=1),
        "zones-0-placement": str(placement.pk),
        "zones-0-x": "0.1",
        "zones-0-y": "0.25",
        "zones-0-width": "0.8",
        "zones-0-height": "0.5",
    }

    response = staff_client.post(reverse("admin:issues_page_zones", args=[page.pk]), data)

    assert response.status_code == 302
    zone = HotZone.objects.get()
    assert (zone.placement, zone.x, zone.y, zone.width, zone.height) == (placement, 0.1, 0.25, 0.8, 0.5)
    Issue.objects.filter(pk=page.issue_id).update(release_at=timezone.now())
    content = client.get(page.get_absolute_url()).content.decode()
    assert f'href="{placement.article.get_absolute_url()}"' in content
    assert '<rect x="100.0" y="250.0" width="800.0" height="500.0"' in content


def test_zone_editor_moves_and_deletes_zones(staff_client):
    page = PageFactory(issue__release_at=None, number=1, with_image=True)
    kept = HotZoneFactory(placement=PlacementFactory(page=page))
    gone = HotZoneFactory(placement=PlacementFactory(page=page))
    data = {
        **management("zones", total=2, initial=2),
        "zones-0-id": str(kept.pk),
        "zones-0-placement": str(kept.placement_id),
        "zones-0-x": "0.5",
        "zones-0-y": "0.5",
        "zones-0-width": "0.5",
        "zones-0-height": "0.5",
        "zones-1-id": str(gone.pk),
        "zones-1-placement": str(gone.placement_id),
        "zones-1-x": "0",
        "zones-1-y": "0",
        "zones-1-width": "0.1",
        "zones-1-height": "0.1",
        "zones-1-DELETE": "on",
    }

    staff_client.post(reverse("admin:issues_page_zones", args=[page.pk]), data)

    assert list(HotZone.objects.values_list("pk", "x", "y")) == [(kept.pk, 0.5, 0.5)]


@pytest.mark.parametrize(
    "x, y, width, height",
    [("0.5", "0.1", "0.6", "0.2"), ("-0.1", "0", "0.2", "0.2"), ("0", "0", "0", "0.2"), ("0", "0", "abc", "0.2")],
)
def test_zone_editor_refuses_a_zone_off_the_page_and_keeps_the_numbers(staff_client, x, y, width, height):
    page = PageFactory(issue__release_at=None, number=1, with_image=True)
    placement = PlacementFactory(page=page)
    data = {
        **management("zones", total=1),
        "zones-0-placement": str(placement.pk),
        "zones-0-x": x,
        "zones-0-y": y,
        "zones-0-width": width,
        "zones-0-height": height,
    }

    response = staff_client.post(reverse("admin:issues_page_zones", args=[page.pk]), data)

    assert response.status_code == 200
    assert not HotZone.objects.exists()
    content = response.content.decode()
    assert "errorlist" in content
    assert f'value="{x}"' in content


def test_zone_editor_refuses_a_story_from_another_page(staff_client):
    page = PageFactory(issue__release_at=None, number=1, with_image=True)
    elsewhere = PlacementFactory(page=PageFactory(issue=page.issue, number=2))
    data = {
        **management("zones", total=1),
        "zones-0-placement": str(elsewhere.pk),
        "zones-0-x": "0",
        "zones-0-y": "0",
        "zones-0-width": "0.5",
        "zones-0-height": "0.5",
    }
    response = staff_client.post(reverse("admin:issues_page_zones", args=[page.pk]), data)
    assert response.status_code == 200 and not HotZone.objects.exists()


def test_zone_editor_shows_zones_but_refuses_changes_without_permission_to_change_pages(client):
    page = PageFactory(issue__release_at=None, with_image=True)
    placement = PlacementFactory(page=page)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_page"))
    client.force_login(viewer)
    url = reverse("admin:issues_page_zones", args=[page.pk])
    data = {**management("zones", total=1), "zones-0-placement": str(placement.pk),
            "zones-0-x": "0", "zones-0-y": "0", "zones-0-width": "0.5", "zones-0-height": "0.5"}

    assert "保存热区" not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403
    assert not HotZone.objects.exists()


def test_zone_editor_refuses_changes_on_a_released_page(staff_client):
    page = PageFactory(with_image=True)
    placement = PlacementFactory(page=page)
    url = reverse("admin:issues_page_zones", args=[page.pk])
    data = {**management("zones", total=1), "zones-0-placement": str(placement.pk),
            "zones-0-x": "0", "zones-0-y": "0", "zones-0-width": "0.5", "zones-0-height": "0.5"}

    assert "本期已发布或已定时发布" in staff_client.get(url).content.decode()
    assert staff_client.post(url, data).status_code == 403
    assert not HotZone.objects.exists()


def test_page_screen_links_to_the_zone_editor_once_the_page_has_an_image(staff_client):
    with_image = PageFactory(issue__release_at=None, with_image=True)
    without = PageFactory(issue__release_at=None)
    zones_url = reverse("admin:issues_page_zones", args=[with_image.pk])
    assert zones_url in staff_client.get(reverse("admin:issues_page_change", args=[with_image.pk])).content.decode()
    content = staff_client.get(reverse("admin:issues_page_change", args=[without.pk])).content.decode()
    assert "请先上传版面图或版面 PDF" in content


# --- A page's own files ------------------------------------------------------------------------


def test_page_pdf_uploaded_alone_is_rendered_into_the_page_image(staff_client):
    page = PageFactory(issue__release_at=None, number=1)

    response = staff_client.post(
        reverse("admin:issues_page_change", args=[page.pk]), page_form(page, pdf=pdf_upload(1, "p1.pdf"))
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.pdf.name.endswith(".pdf") and page.image.name.endswith(".jpg")
    with Image.open(page.image) as image:
        assert image.height == 2800 and 1900 < image.width < 2100
    assert page.image_renditions["sizes"][0]["width"] == 200


@pytest.mark.parametrize(
    "upload, reason",
    [
        (SimpleUploadedFile("p1.pdf", b"GIF89a not a pdf at all"), "该文件不是 PDF"),
        (SimpleUploadedFile("p1.pdf", b"%PDF-1.7\n1 0 obj << broken"), "该 PDF 已损坏"),
        (pdf_upload(3, "three.pdf"), "该 PDF 有 3 页"),
    ],
)
def test_page_pdf_upload_is_refused_with_a_reason(staff_client, upload, reason):
    page = PageFactory(issue__release_at=None, number=1)

    response = staff_client.post(reverse("admin:issues_page_change", args=[page.pk]), page_form(page, pdf=upload))

    assert response.status_code == 200
    assert reason in response.content.decode()
    page.refresh_from_db()
    assert not page.pdf and not page.image


def test_broken_page_image_is_refused_with_a_reason(staff_client):
    page = PageFactory(issue__release_at=None, number=1)
    broken = SimpleUploadedFile("page.png", png_bytes(60, 85)[:60], content_type="image/png")

    response = staff_client.post(reverse("admin:issues_page_change", args=[page.pk]), page_form(page, image=broken))

    assert response.status_code == 200
    assert "不是图片" in response.content.decode() or "已损坏" in response.content.decode()
    page.refresh_from_db()
    assert not page.image


# --- The whole issue's print PDF -----------------------------------------------------------------


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_print_pdf_is_split_into_each_pages_pdf_and_image_creating_missing_pages(staff_client):
    issue = IssueFactory(release_at=None)
    front = PageFactory(issue=issue, number=1, name="要闻")
    story = PlacementFactory(page=front)
    HotZoneFactory(placement=story)

    response = staff_client.post(reverse("admin:issues_issue_print", args=[issue.pk]), {"pdf": pdf_upload(3)})

    assert response.status_code == 200 and response.streaming
    progress = streamed(response)
    assert "1/3：第一版 已保存" in progress and "3/3：第三版 已保存" in progress
    assert "新建的版面" in progress and "全部 3 个版面都已挂上" in progress
    pages = list(issue.pages.all())
    assert [(page.number, page.name) for page in pages] == [(1, "要闻"), (2, "新版面"), (3, "新版面")]
    for page in pages:
        assert page.pdf and page.image and page.image_renditions["sizes"]
    # Stories and their zones stay on the page.
    assert front.placements.get() == story and HotZone.objects.count() == 1
    # Each page's PDF is that page alone.
    import pypdfium2

    assert len(pypdfium2.PdfDocument(pages[1].pdf.read())) == 1


def test_print_pdf_uploaded_again_replaces_the_pages_files(staff_client):
    issue = IssueFactory(release_at=None)
    staff_client.post(reverse("admin:issues_issue_print", args=[issue.pk]), {"pdf": pdf_upload(1)}).getvalue()
    first = Page.objects.get(issue=issue).image.name

    streamed(staff_client.post(reverse("admin:issues_issue_print", args=[issue.pk]), {"pdf": pdf_upload(1)}))

    assert Page.objects.get(issue=issue).image.name != first
    assert Page.objects.filter(issue=issue).count() == 1


@pytest.mark.parametrize(
    "upload, reason",
    [
        (SimpleUploadedFile("issue.pdf", png_bytes(), content_type="application/pdf"), "该文件不是 PDF"),
        (SimpleUploadedFile("issue.pdf", b"%PDF-1.4\n%%EOF garbage"), "该 PDF 已损坏"),
    ],
)
def test_print_pdf_upload_is_refused_with_a_reason_and_nothing_changes(staff_client, upload, reason):
    issue = IssueFactory(release_at=None)

    response = staff_client.post(reverse("admin:issues_issue_print", args=[issue.pk]), {"pdf": upload})

    assert response.status_code == 200 and not response.streaming
    assert reason in response.content.decode()
    assert not issue.pages.exists()


def test_issue_screen_links_to_the_print_pdf_upload(staff_client):
    issue = IssueFactory(release_at=None)
    content = staff_client.get(reverse("admin:issues_issue_change", args=[issue.pk])).content.decode()
    assert reverse("admin:issues_issue_print", args=[issue.pk]) in content


def test_print_pdf_page_that_fails_is_named_and_the_others_are_kept(staff_client, monkeypatch):
    from django.core.exceptions import ValidationError

    from issues import epaper

    attach = epaper.page_attach_print

    def failing_on_page_two(*, number, **kwargs):
        if number == 2:
            raise ValidationError("磁盘已满")
        return attach(number=number, **kwargs)

    monkeypatch.setattr(epaper, "page_attach_print", failing_on_page_two)
    issue = IssueFactory(release_at=None)

    progress = streamed(staff_client.post(reverse("admin:issues_issue_print", args=[issue.pk]), {"pdf": pdf_upload(3)}))

    assert "第 2 页（共 3 页）处理失败：磁盘已满" in progress
    assert "3 个版面中有 1 个失败" in progress
    assert [page.number for page in issue.pages.all()] == [1, 3]
