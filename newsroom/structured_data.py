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


def byline_people(request: HttpRequest, article) -> dict:
    """The story's ``author`` (its text credits) and ``contributor`` (photos, video, editing), as Persons.

    From the same prefetched credits as the printed byline (articles.contributors.bylines); a story
    without credits names its typed byline as the one author.
    """
    from articles.contributors.bylines import article_byline_parts
    from articles.contributors.models import Credit

    people: dict[str, list[dict]] = {}
    for part in article_byline_parts(article):
        for credit in part.credits:
            person = {"@type": "Person", "name": credit.display_name}
            if credit.contributor is not None and credit.contributor.public_page:
                person["url"] = request.build_absolute_uri(credit.contributor.get_absolute_url())
            people.setdefault("author" if credit.role == Credit.Role.TEXT else "contributor", []).append(person)
    if not people and article.byline:
        people["author"] = [{"@type": "Person", "name": article.byline}]
    return people


def publication_issue(request: HttpRequest, issue) -> dict:
    """One day's issue, as schema.org's PublicationIssue of the Periodical."""
    return {
        "@type": "PublicationIssue",
        "issueNumber": str(issue.number),
        "datePublished": issue.date.isoformat(),
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "isPartOf": periodical(request),
    }
