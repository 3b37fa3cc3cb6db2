"""撤稿 on the e-paper: a withdrawn story is masked on the page image, and the page PDF withheld.

Withdrawing a story (articles.services.article_withdraw) takes it off every page, feed and search
at once, but its text is also printed in the page image and the page PDF. So when the WITHDRAW
step is logged (a Transition, caught by the receiver in issues/story_changes.py), every page the
story ran on is redacted in the same transaction by the service
``issues.services.page_redact_withdrawn``, with the mask drawn here:

- The page image is replaced by a copy with the story's hot zones painted over, under a new random
  name; its renditions are made again from it (Page.save). The image as printed moves to
  ``Page.printed_image``, served to staff only (newsroom.media), so the old address is a 404 for
  readers. A story with no hot zone on the page cannot be masked: the whole image is withheld.
- The page PDF moves to ``Page.withheld_pdf`` (staff only): the page stops linking it and its
  address is a 404. (A released page's files no longer change, so it stays withheld.)
- The public page says that a story was withdrawn (``Page.is_redacted``: its print is kept aside).
- A page of an open issue loses its sign-off, as with any change. A released page keeps it: the
  withdrawal is one of the two doors a released issue keeps open, and the print it attests is kept
  aside as it was.

Computing masked files once, at withdrawal, keeps serving as it is: readers' pages and /media/
look up nothing more than before.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

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
