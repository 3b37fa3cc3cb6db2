import datetime
from decimal import Decimal

import pytest

from articles.contributors.models import Contributor, Credit, RateTable
from articles.contributors.services import contributor_save, rate_table_save
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory

DECEMBER = datetime.date(2020, 12, 1)


@pytest.fixture
def rates(db) -> RateTable:
    """Bands 0–499: 40, 500–999: 60, 1000 and more: 100; 30 a photo; 头版 +20, 评论 +50."""
    return rate_table_save(
        table=RateTable(starts_on=datetime.date(2020, 1, 1), photo_amount=Decimal("30"),
                        front_page_extra=Decimal("20"), commentary_extra=Decimal("50")),
        bands=[(0, 499, Decimal("40")), (500, 999, Decimal("60")), (1000, None, Decimal("100"))],
    )


def person(name: str, kind=Contributor.Kind.STAFF, **extra) -> Contributor:
    return contributor_save(contributor=Contributor(name=name, kind=kind, **extra))


def printed_story(*, day: datetime.date, chars: int, page: int = 2, credits=(), photos: int = 0, released=True,
                  tags=()):
    """An approved story of ``chars`` characters on page ``page`` of the issue of ``day``, with credits."""
    from tests.factories import PhotoFactory

    issue = IssueFactory(date=day, released=released) if not _issue(day) else _issue(day)
    page_obj = PageFactory(issue=issue, number=page) if not issue.pages.filter(number=page).exists() else (
        issue.pages.get(number=page))
    article = ArticleFactory(approved=True, body=f"<p>{'字' * chars}</p>")
    PlacementFactory(page=page_obj, article=article)
    for order, (contributor, role) in enumerate(credits):
        Credit.objects.create(article=article, contributor=contributor, role=role, order=order)
    for _n in range(photos):
        PhotoFactory(article=article)
    for tag in tags:
        article.tags.add(tag)
    return article


def _issue(day):
    from issues.models import Issue

    return Issue.objects.filter(date=day).first()
