"""Posting admin forms by hand in tests: inline management data, a filed article, a JPEG upload."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(width=64, height=48) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(**overrides) -> dict:
    data = {
        "kicker": "",
        "headline": "我区实行慢病全链条全周期闭环式管理",
        "subheadline": "",
        "byline": "左燕",
        "dateline": "本报讯",
        "body": "<p>近日，我区推行慢性病闭环式管理。</p>",
        "tags": "卫生健康, 民生",
        "status": "draft",
        **inline_management("photos"),
        **inline_management("credits"),
    }
    data.update(overrides)
    return data


def article_change_form(article, **changes) -> dict:
    """The change form of a saved article as the admin would post it, with some fields changed."""
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "byline": article.byline,
        "dateline": article.dateline,
        "body": article.body,
        "tags": "",
        "known_version": str(article.version),
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
        **inline_management("credits"),
    }
    data.update(changes)
    return data
