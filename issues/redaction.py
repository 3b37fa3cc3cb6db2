"""撤稿 on the e-paper: a withdrawn story is masked on the page image, and the page PDF withheld.

Withdrawing a story (articles.services.article_withdraw) takes it off every page, feed and search
at once, but its text is also printed in the page image and the page PDF. So when the WITHDRAW
step is logged (a Transition, caught by the receiver at the bottom), every page the story
ran on is redacted in the same transaction:

- The page image is replaced by a copy with the story's hot zones painted over, under a new random
  name; its renditions are made again from it (Page.save). The image as printed moves to
  ``Page.printed_image``, served to staff only (newsroom.media), so the old address is a 404 for
  readers. A story with no hot zone on the page cannot be masked: the whole image is withheld.
- The page PDF moves to ``Page.withheld_pdf`` (staff only): the page stops linking it and its
  address is a 404. (A released page's files no longer change, so it stays withheld.)
- The public page says that a story was withdrawn (``Page.is_redacted``: its print is kept aside).

Computing masked files once, at withdrawal, keeps serving as it is: readers' pages and /media/
look up nothing more than before.
"""

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from PIL import Image, ImageDraw

from articles.models import Article, Transition
from issues.models import HotZone, Page

logger = logging.getLogger(__name__)

# Painted over a withdrawn story: a light grey block with a darker frame, as a blanked-out column.
MASK_FILL = (224, 224, 224)
MASK_EDGE = (160, 160, 160)
# Each zone grows by this fraction of the page on every side, so a zone drawn tight to the text
# leaves no half-letters at its edges.
MASK_MARGIN = 0.004


def masked_image(image_file, zones: list[tuple[float, float, float, float]]) -> ContentFile:
    """A copy of the page image with each zone (x, y, width, height as fractions) painted over."""
    image_file.open("rb")
    try:
        with Image.open(image_file) as source:
            source.load()
            image_format = "PNG" if source.format == "PNG" else "JPEG"
            image = source.convert("RGB")
    finally:
        image_file.close()
    draw = ImageDraw.Draw(image)
    width, height = image.size
    edge = max(1, round(min(width, height) / 400))
    for x, y, w, h in zones:
        box = (
            max(0, round((x - MASK_MARGIN) * width)),
            max(0, round((y - MASK_MARGIN) * height)),
            min(width - 1, round((x + w + MASK_MARGIN) * width)),
            min(height - 1, round((y + h + MASK_MARGIN) * height)),
        )
        draw.rectangle(box, fill=MASK_FILL, outline=MASK_EDGE, width=edge)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **({"quality": 88} if image_format == "JPEG" else {}))
    return ContentFile(buffer.getvalue(), name="page.png" if image_format == "PNG" else "page.jpg")


def _save_masked(page: Page, source, zones) -> None:
    masked = masked_image(source, zones)
    page.image.save(masked.name, masked, save=False)  # a new random name: a new address


@transaction.atomic
def page_redact_withdrawn(*, page: Page) -> Page:
    """Mask every withdrawn story's zones on the page image and withhold the page PDF."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    withdrawn = page.placements.filter(article__status=Article.Status.WITHDRAWN)
    zones = list(HotZone.objects.filter(placement__in=withdrawn).values_list("x", "y", "width", "height"))
    unmasked = withdrawn.exclude(hot_zones__isnull=False).exists()
    to_delete = []

    # Masked from the image readers see now: the print, an earlier masked copy (painting the
    # same zones again changes nothing) or an image the desk uploaded since.
    source = page.image
    if source:
        if not page.printed_image:
            page.printed_image.name = page.image.name  # the file stays; only its owner field changes
        else:
            to_delete.append(page.image.name)  # the print is kept already; this one is superseded
        if unmasked:
            page.image = ""  # a withdrawn story without a zone: nothing shows where it is
        else:
            try:
                _save_masked(page, source, zones)
            except (OSError, Image.DecompressionBombError):
                logger.exception("Could not mask the page image of %s; withholding it", page)
                page.image = ""
    if page.pdf:
        if page.withheld_pdf:
            to_delete.append(page.pdf.name)  # a corrected PDF that now needs correcting again
        else:
            page.withheld_pdf.name = page.pdf.name
        page.pdf = ""
    page.save()
    storage = page.image.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in to_delete])
    return page


def pages_redact_for(*, article: Article) -> list[Page]:
    """Redact every page with files the article is placed on.

    Unreleased pages too: an issue released after the withdrawal must not carry the story in
    its page image, whether or not the desk remembers to replace it.
    """
    pages = Page.objects.filter(placements__article=article).exclude(image="", pdf="").distinct()
    return [page_redact_withdrawn(page=page) for page in pages]


@receiver(post_save, sender=Transition, dispatch_uid="issues_redact_withdrawn_story")
def story_withdrawn(sender, instance: Transition, created: bool, raw: bool = False, **kwargs) -> None:
    """The WITHDRAW step of articles.services.article_withdraw, logged: redact the pages it ran on."""
    if created and not raw and instance.action == Transition.Action.WITHDRAW:
        pages_redact_for(article=instance.article)
