"""The demo paper's contributors: staff and 通讯员, a rate table, and credits on every story (run again, nothing twice)."""

import datetime
from decimal import Decimal

from articles.contributors.models import Contributor, Credit, RateTable
from articles.contributors.services import (
    contributor_save,
    credit_save,
    credits_from_byline,
    credits_from_photo_credit,
    rate_table_save,
)
from articles.models import Article, Photo
from articles.search import search_document_update

# (name, kind, unit, desk login)
DEMO_CONTRIBUTORS = [
    ("左燕", Contributor.Kind.STAFF, "", "reporter"),
    ("马晓璇", Contributor.Kind.STAFF, "", "editor"),
    ("王静", Contributor.Kind.STAFF, "", "editor2"),
    ("王伟", Contributor.Kind.CORRESPONDENT, "金城镇", None),
    ("陈红", Contributor.Kind.CORRESPONDENT, "区人民医院", None),
]
# 稿费 from 2020: bands by 字数, per photo, 头版 and 评论 extras (a county daily's sort of rates).
DEMO_RATES = {
    "starts_on": datetime.date(2020, 1, 1),
    "photo_amount": Decimal("30.00"),
    "front_page_extra": Decimal("20.00"),
    "commentary_extra": Decimal("50.00"),
    "bands": [(0, 499, Decimal("40.00")), (500, 999, Decimal("60.00")), (1000, 1999, Decimal("80.00")),
              (2000, None, Decimal("120.00"))],
}
# A name typed at the desk that is nobody yet: the desk confirms it into a contributor.
ONE_OFF_NAME = "李明"


def demo_contributors(*, users: dict) -> None:
    """The staff and 通讯员, before the pages are imported: the importer credits the names it knows."""
    for name, kind, unit, username in DEMO_CONTRIBUTORS:
        if not Contributor.objects.filter(name=name, kind=kind).exists():
            contributor_save(contributor=Contributor(
                name=name, kind=kind, unit=unit, user=users.get(username) if username else None,
            ))


def contributors_demo() -> None:
    """A rate table, credits read from the demo bylines, and staff credits where none is printed."""
    if not RateTable.objects.exists():
        rates = dict(DEMO_RATES)
        bands = rates.pop("bands")
        rate_table_save(table=RateTable(note="示例稿费标准", **rates), bands=bands)
    staff = list(Contributor.objects.filter(kind=Contributor.Kind.STAFF).order_by("pk"))
    for index, article in enumerate(Article.objects.filter(credits__isnull=True).order_by("pk")):
        report = credits_from_byline(article=article)
        if not (report.matched or report.unmatched) and article.status == Article.Status.APPROVED:
            # The sample pages print many stories without a byline; the demo credits them to its staff.
            Credit.objects.create(article=article, contributor=staff[index % len(staff)], order=0)
            search_document_update(article=article)  # credit_save would refuse a released story: index it here
    for photo in Photo.objects.filter(article__isnull=True):
        credits_from_photo_credit(photo=photo)
    draft = Article.objects.filter(status=Article.Status.DRAFT, credits__contributor__name="左燕").first()
    if draft is not None and not Credit.objects.filter(name=ONE_OFF_NAME).exists():
        credit_save(credit=Credit(article=draft, name=ONE_OFF_NAME, order=1))
