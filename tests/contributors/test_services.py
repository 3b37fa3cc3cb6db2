import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from articles.contributors.models import Contributor, Credit, RateBand, RateTable
from articles.contributors.services import (
    contributor_delete,
    credit_confirm,
    credit_save,
    credits_from_byline,
    credits_open,
    rate_table_save,
)
from articles.contributors.statements import statement_mark_paid
from tests.contributors.conftest import DECEMBER, person, printed_story
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_byline_is_read_into_credits_matching_names_and_reporting_the_rest():
    zuo = person("左燕")
    article = ArticleFactory(byline="本报记者 左燕 通讯员 张三")

    report = credits_from_byline(article=article)

    assert report.matched == ["左燕"] and report.unmatched == ["张三"]
    assert [(c.contributor, c.name) for c in article.credits.all()] == [(zuo, ""), (None, "张三")]


def test_two_contributors_of_one_name_are_both_kept_and_the_desk_chooses():
    person("王伟", Contributor.Kind.CORRESPONDENT, unit="金城镇")
    other = person("王伟", Contributor.Kind.CORRESPONDENT, unit="区人民医院")
    article = ArticleFactory(byline="王伟")

    report = credits_from_byline(article=article)
    credit = article.credits.get()

    assert report.unmatched == ["王伟"] and credit.contributor is None
    credit_confirm(credit=credit, contributor=other)
    credit.refresh_from_db()
    assert credit.contributor == other


def test_confirming_a_one_off_name_makes_a_contributor_on_every_credit_of_that_name():
    first, second = ArticleFactory(byline="李明"), ArticleFactory(byline="李明")
    credits_from_byline(article=first)
    credits_from_byline(article=second)

    contributor = credit_confirm(credit=first.credits.get(), kind=Contributor.Kind.CORRESPONDENT, unit="金城镇")

    assert contributor.name == "李明" and contributor.unit == "金城镇"
    assert set(Credit.objects.values_list("contributor", flat=True)) == {contributor.pk}


def test_a_story_that_has_credits_keeps_them_when_read_again():
    article = ArticleFactory(byline="左燕")
    credits_from_byline(article=article)
    credits_from_byline(article=article, text="马晓璇")
    assert [c.display_name for c in article.credits.all()] == ["左燕"]


def test_gbk_names_from_an_import_are_matched():
    zuo = person("左燕")
    text = "本报记者 左燕".encode("gbk").decode("gbk")
    article = ArticleFactory(byline=text)
    credits_from_byline(article=article)
    assert article.credits.get().contributor == zuo


def test_a_contributor_who_has_been_paid_cannot_be_deleted(rates):
    zuo = person("左燕")
    printed_story(day=datetime.date(2020, 12, 3), chars=100, credits=[(zuo, Credit.Role.TEXT)])
    statement_mark_paid(month=DECEMBER, user=UserFactory())

    with pytest.raises(ValidationError, match="取消勾选"):
        contributor_delete(contributor=zuo)
    assert Contributor.objects.filter(pk=zuo.pk).exists()


def test_deleting_an_unpaid_contributor_keeps_their_credits_as_names():
    zuo = person("左燕")
    article = ArticleFactory(byline="左燕")
    credits_from_byline(article=article)

    contributor_delete(contributor=zuo)

    assert [(c.contributor, c.name) for c in article.credits.all()] == [(None, "左燕")]


def test_credits_are_open_until_the_story_runs_in_a_released_issue():
    on_the_desk = ArticleFactory()
    in_tomorrows_paper = printed_story(day=datetime.date(2020, 12, 4), chars=100, released=False)
    printed = printed_story(day=datetime.date(2020, 12, 3), chars=100)

    assert credits_open(on_the_desk) is True
    assert credits_open(in_tomorrows_paper) is True
    assert credits_open(printed) is False


def test_a_released_storys_credits_change_only_by_correction(rates):
    zuo = person("左燕")
    article = printed_story(day=datetime.date(2020, 12, 3), chars=100)
    with pytest.raises(ValidationError, match="更正"):
        credit_save(credit=Credit(article=article, contributor=zuo))
    assert not article.credits.exists()


@pytest.mark.parametrize(
    ("bands", "named"),
    [
        ([(0, 499, 40), (400, None, 60)], "400字及以上"),  # overlap
        ([(0, 499, 40), (600, None, 60)], "0–499字"),  # gap
        ([(100, None, 40)], "100字及以上"),  # does not start at 0
        ([(0, 499, 40)], "0–499字"),  # longer stories paid nothing
    ],
)
def test_a_rate_table_with_overlapping_bands_or_a_gap_is_refused_naming_the_band(bands, named):
    table = RateTable(starts_on=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError) as refused:
        rate_table_save(table=table, bands=[(low, high, Decimal(amount)) for low, high, amount in bands])
    assert named in " ".join(refused.value.messages)
    assert not RateTable.objects.exists() and not RateBand.objects.exists()
