import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from articles.contributors.models import Credit, RateTable, Statement
from articles.contributors.services import rate_table_save
from articles.contributors.statements import month_statement, statement_mark_paid, statement_xlsx
from articles.models import Article
from articles.services import article_correct, article_withdraw
from tests.contributors.conftest import DECEMBER, person, printed_story
from tests.factories import UserFactory, role_user

pytestmark = pytest.mark.django_db
TEXT, PHOTO = Credit.Role.TEXT, Credit.Role.PHOTO
D3, D29 = datetime.date(2020, 12, 3), datetime.date(2020, 12, 29)


@pytest.fixture
def december(rates):
    """Three December stories and two that are not December's, with amounts worked out by hand."""
    zuo, wang, ma = person("左燕"), person("王伟", "correspondent", unit="金城镇"), person("马晓璇")
    # 600 characters on the front page: band 60 + 头版 20 = 80 to 左燕.
    front = printed_story(day=D3, page=1, chars=600, credits=[(zuo, TEXT)])
    # 300 characters, two writers: 40 shared 20 + 20; two photos by 王伟: 2 × 30 = 60.
    printed_story(day=D3, chars=300, credits=[(zuo, TEXT), (wang, TEXT), (wang, PHOTO)], photos=2)
    # A 1,200-character 评论: band 100 + 评论 50 = 150 to 马晓璇.
    printed_story(day=D29, chars=1200, credits=[(ma, TEXT)], tags=["评论"])
    # January's story and a story of an issue not yet released are not December's.
    printed_story(day=datetime.date(2021, 1, 4), chars=600, credits=[(zuo, TEXT)])
    printed_story(day=datetime.date(2020, 12, 30), chars=600, credits=[(zuo, TEXT)], released=False)
    return {"zuo": zuo, "wang": wang, "ma": ma, "front": front}


def totals(statement) -> dict:
    return {p.name: p.total for p in statement.people}


def test_a_months_statement_pays_each_contributor_what_the_rate_table_says(december):
    statement = month_statement(DECEMBER)
    assert totals(statement) == {"左燕": Decimal("100"), "王伟": Decimal("80"), "马晓璇": Decimal("150")}
    assert statement.total == Decimal("330")
    front_line = next(line for line in statement.lines if line.article_id == december["front"].pk)
    assert (front_line.chars, front_line.band, front_line.amount) == (600, "500–999字", Decimal("80"))


def test_a_story_credited_to_nobody_is_listed_apart_and_paid_to_nobody(december):
    nobody = printed_story(day=D3, chars=100)
    statement = month_statement(DECEMBER)
    assert statement.uncredited == [nobody] and statement.total == Decimal("330")


def test_a_paid_month_is_frozen_against_a_later_rate_change(december):
    statement_mark_paid(month=DECEMBER, user=UserFactory())
    rate_table_save(table=RateTable(starts_on=datetime.date(2020, 12, 1), photo_amount=Decimal("99")),
                    bands=[(0, None, Decimal("500"))])

    assert month_statement(DECEMBER).total == Decimal("330")
    # The same change reaches a month not yet paid: January's story is paid at the new rate.
    assert month_statement(datetime.date(2021, 1, 1)).total == Decimal("500")


def test_a_month_is_paid_once_and_only_when_it_is_over(december):
    user = UserFactory()
    statement_mark_paid(month=DECEMBER, user=user)
    with pytest.raises(Exception, match="已付讫"):
        statement_mark_paid(month=DECEMBER, user=user)
    with pytest.raises(Exception, match="尚未结束"):
        statement_mark_paid(month=datetime.date.today().replace(day=1), user=user)
    assert Statement.objects.count() == 1


def test_a_withdrawal_after_payment_is_an_adjustment_in_the_month_it_happens(december):
    statement_mark_paid(month=DECEMBER, user=UserFactory())
    article_withdraw(article=december["front"], user=role_user("值班总编 Chief editor"), reason="事实有误")

    this_month = month_statement(datetime.date.today())
    adjustments = [line for line in this_month.lines if line.adjustment]
    assert [(line.name, line.amount) for line in adjustments] == [("左燕", Decimal("-80"))]
    assert month_statement(DECEMBER).total == Decimal("330")


def test_a_correction_that_changes_the_band_is_an_adjustment_of_the_difference(december):
    statement_mark_paid(month=DECEMBER, user=UserFactory())
    editor = role_user("编辑 Editor")
    article_correct(article=december["front"], user=editor, note="删去重复段落", body=f"<p>{'字' * 200}</p>")

    adjustments = [line for line in month_statement(datetime.date.today()).lines if line.adjustment]
    # Now 0–499 (40) + 头版 20 = 60, where 80 was paid.
    assert [(line.name, line.amount) for line in adjustments] == [("左燕", Decimal("-20"))]


@pytest.mark.parametrize("stories", [10, 1000])
def test_the_statements_query_count_does_not_grow_with_stories(rates, django_assert_num_queries, stories):
    from issues.models import Placement
    from tests.factories import IssueFactory, PageFactory, UserFactory as Users

    zuo = person("左燕")
    page = PageFactory(issue=IssueFactory(date=D3), number=2)
    reporter = Users()
    articles = Article.objects.bulk_create(
        Article(headline=f"稿{n}", body="<p>正文</p>", reporter=reporter, status=Article.Status.APPROVED)
        for n in range(stories)
    )
    Placement.objects.bulk_create(Placement(page=page, article=a, order=n) for n, a in enumerate(articles))
    Credit.objects.bulk_create(Credit(article=a, contributor=zuo) for a in articles)

    with django_assert_num_queries(8):
        statement = month_statement(DECEMBER)
    assert statement.total == Decimal("40") * stories


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_the_spreadsheet_has_a_row_a_line_and_sums_per_person(december):
    sheet = read_xlsx(statement_xlsx(month_statement(DECEMBER)))
    rows = list(sheet.iter_rows(values_only=True))
    names = [row[0] for row in rows[1:]]
    assert names.count("左燕") == 2 and names.count("王伟") == 2 and names.count("马晓璇") == 1
    amounts = [Decimal(str(row[9])) for row in rows[1:] if row[0] in {"左燕", "王伟", "马晓璇"}]
    assert sum(amounts) == Decimal("330")
    assert rows[-1][0] == "合计" and str(rows[-1][9]).startswith("=")
    subtotal = next(row for row in rows if str(row[0]).startswith("小计") and "左燕" in row[0])
    assert subtotal[9].startswith("=SUM(J")


def test_libreoffice_opens_the_spreadsheet_and_computes_the_sums(december, tmp_path, in_ci):
    soffice = shutil.which("soffice")
    if soffice is None:
        if in_ci:
            pytest.fail("soffice is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "statement.xlsx"
    path.write_bytes(statement_xlsx(month_statement(DECEMBER)))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )
    rows = list(csv.reader((tmp_path / "statement.csv").read_text(encoding="utf-8").splitlines()))
    subtotals = {row[0]: Decimal(row[9]) for row in rows if row[0].startswith("小计")}
    assert subtotals == {"小计：左燕": Decimal("100"), "小计：王伟": Decimal("80"), "小计：马晓璇": Decimal("150")}
    assert Decimal(rows[-1][9]) == Decimal("330")


def test_finance_opens_the_month_and_downloads_it_as_xlsx_and_csv(client, december):
    finance = role_user("财务 Finance")
    client.force_login(finance)

    months = client.get(reverse("admin:contributors_statement_changelist"))
    page = client.get(reverse("admin:contributors_statement_month", args=["2020-12"]))
    xlsx = client.get(reverse("admin:contributors_statement_xlsx", args=["2020-12"]))
    csv_response = client.get(reverse("admin:contributors_statement_csv", args=["2020-12"]))

    assert "2020-12" in months.content.decode()
    assert "330.00" in page.content.decode() and "标记为已付" in page.content.decode()
    assert read_xlsx(xlsx.content).max_row == 1 + 5 + 3 + 1
    assert "马晓璇" in csv_response.content.decode("utf-8-sig")


def test_an_editor_cannot_open_the_statement_or_pay(client, december):
    client.force_login(role_user("编辑 Editor"))
    assert client.get(reverse("admin:contributors_statement_month", args=["2020-12"])).status_code == 403
    client.post(reverse("admin:contributors_statement_pay", args=["2020-12"]))
    assert not Statement.objects.exists()


def test_finance_marks_a_month_paid_and_it_says_so(client, december):
    client.force_login(role_user("财务 Finance"))
    response = client.post(reverse("admin:contributors_statement_pay", args=["2020-12"]), follow=True)
    assert Statement.objects.get().total == Decimal("330")
    assert "冻结" in response.content.decode()


def rate_form(starts_on: str, bands) -> dict:
    data = {"starts_on": starts_on, "note": "", "photo_amount": "30", "front_page_extra": "0",
            "commentary_extra": "0", "bands-TOTAL_FORMS": str(len(bands)), "bands-INITIAL_FORMS": "0",
            "bands-MIN_NUM_FORMS": "0", "bands-MAX_NUM_FORMS": "1000"}
    for n, (low, high, amount) in enumerate(bands):
        data.update({f"bands-{n}-min_chars": low, f"bands-{n}-max_chars": high, f"bands-{n}-amount": amount})
    return data


def test_finance_adds_a_rate_table_and_a_gap_is_refused_keeping_what_was_typed(client):
    client.force_login(role_user("财务 Finance"))
    url = reverse("admin:contributors_ratetable_add")

    refused = client.post(url, rate_form("2021-01-01", [("0", "499", "40"), ("600", "", "60")]))
    saved = client.post(url, rate_form("2021-01-01", [("0", "499", "40"), ("500", "", "60")]))

    assert "空缺" in refused.content.decode() and 'value="600"' in refused.content.decode()
    assert saved.status_code == 302
    table = RateTable.objects.get()
    assert [(b.min_chars, b.max_chars, b.amount) for b in table.bands.all()] == [
        (0, 499, Decimal("40")), (500, None, Decimal("60"))]


def test_the_review_page_counts_each_reporters_stories_characters_front_pages_and_photos(client, december):
    client.force_login(role_user("值班总编 Chief editor"))
    url = reverse("admin:contributors_contributor_review")

    page = client.get(url, {"start": "2020-12-01", "end": "2020-12-31"}).content.decode()
    exported = client.get(url, {"start": "2020-12-01", "end": "2020-12-31", "format": "csv"})
    backwards = client.get(url, {"start": "2020-12-31", "end": "2020-12-01"}).content.decode()

    rows = {row[0]: row[3:] for row in csv.reader(exported.content.decode("utf-8-sig").splitlines()[1:])}
    # 左燕: 600 + 300 characters, one on the front page; 王伟: 300, and two photos.
    assert rows["左燕"] == ["2", "900", "1", "0"] and rows["王伟"] == ["1", "300", "0", "2"]
    assert rows["马晓璇"] == ["1", "1200", "0", "0"]
    assert "左燕" in page and "结束日期早于开始日期" in backwards


def test_reporters_cannot_open_the_review_page(client):
    client.force_login(role_user("记者 Reporter"))
    assert client.get(reverse("admin:contributors_contributor_review")).status_code == 403


def test_finance_prints_a_sheet_a_person_with_a_line_to_sign(client, december):
    client.force_login(role_user("财务 Finance"))
    page = client.get(reverse("admin:contributors_statement_print", args=["2020-12"])).content.decode()
    assert page.count('class="payslip"') == 3 and page.count("领款人（签名）") == 3
    assert "150.00" in page
    assert "<h1>2020-12稿费结算单</h1>" in page  # the title in the desk's language, not English
