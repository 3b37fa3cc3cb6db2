"""E-paper writes: a page's print PDF and image, and the whole issue's PDF split into its pages.

Kept beside issues/services.py because these also write files; each function is a service in the
house sense (keyword-only, typed, atomic, full_clean).
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from issues.models import Issue, Page
from issues.pdf import render_page, split_pages
from issues.services import issue_check_open, page_sign_off_clear

logger = logging.getLogger(__name__)


def page_image_from_pdf(document: pdfium.PdfDocument) -> ContentFile:
    """The first page of a PDF rendered as the page image (a JPEG, ready for an ImageField)."""
    return ContentFile(render_page(document, 0), name="page.jpg")


@transaction.atomic
def page_attach_print(*, issue: Issue, number: int, pdf: bytes, image: bytes) -> tuple[Page, bool]:
    """Give a page of the issue its print PDF and page image, making the page if the issue lacks it."""
    issue_check_open(issue)
    page = Page.objects.filter(issue=issue, number=number).first()
    created = page is None
    if created:
        # The editor names it afterwards; the page list shows it as new until then.
        page = Page(issue=issue, number=number, name=_("New page"))
    old_files = [name for name in (page.pdf.name, page.image.name) if name]
    page.pdf.save("page.pdf", ContentFile(pdf), save=False)
    page.image.save("page.jpg", ContentFile(image), save=False)
    page.full_clean()
    page.save()
    page_sign_off_clear(pages=[page])
    storage = page.pdf.storage
    # The replaced files go only once the new ones are safely in the database.
    transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return page, created


@dataclass
class PrintProgress:
    """One page of an issue's print PDF, done: for the progress list the night editor watches."""

    number: int
    total: int
    page: Page | None = None
    created: bool = False
    error: str = ""


def issue_attach_print(*, issue: Issue, document: pdfium.PdfDocument) -> Iterator[PrintProgress]:
    """Split the issue's print PDF into one PDF and one image per page, page by page as it goes.

    Each page is saved in its own transaction, so a failure on page 7 keeps pages 1 to 6 and
    says which page failed; uploading again replaces them. A released or scheduled issue is
    refused before any page is touched.
    """
    issue_check_open(issue)
    total = len(document)
    for number, pdf in split_pages(document):
        try:
            image = render_page(document, number - 1)
            page, created = page_attach_print(issue=issue, number=number, pdf=pdf, image=image)
        except ValidationError as error:
            yield PrintProgress(number=number, total=total, error=" ".join(error.messages))
            continue
        except Exception as error:  # any other failure: logged, and named on the progress list
            logger.exception("Print PDF of %s: page %s failed", issue, number)
            yield PrintProgress(number=number, total=total, error=str(error) or error.__class__.__name__)
            continue
        yield PrintProgress(number=number, total=total, page=page, created=created)
