"""Schema.org data (JSON-LD) for the reader pages: the paper, its issues and its stories."""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

# What json_script escapes: a story's text can never close the <script> it is written into.
JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def moment(at: datetime.datetime) -> str:
    """A time as schema.org reads it: ISO 8601 to the second, in the paper's time zone."""
    return timezone.localtime(at).isoformat(timespec="seconds")


def json_ld(data: dict) -> SafeString:
    """Schema.org data for search engines, safe inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_LD_ESCAPES))


def periodical(request: HttpRequest) -> dict:
    """The paper itself, as schema.org's Periodical."""
    return {
        "@type": "Periodical",
        "name": settings.NEWSROOM["PAPER_NAME"],
        "url": request.build_absolute_uri("/"),
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM["PUBLISHER"]},
    }


def publication_issue(request: HttpRequest, issue) -> dict:
    """One day's issue, as schema.org's PublicationIssue of the Periodical."""
    return {
        "@type": "PublicationIssue",
        "issueNumber": str(issue.number),
        "datePublished": issue.date.isoformat(),
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "isPartOf": periodical(request),
    }
