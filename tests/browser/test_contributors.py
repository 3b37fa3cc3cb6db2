"""稿费 in Chromium: an editor confirms a one-off name in a story's byline into a contributor (通讯员),
then the finance office opens last month's statement, downloads it as a spreadsheet and marks it paid.

It takes the pictures of the 稿费 sections of docs/manual/editor.md and docs/manual/finance.md.
"""

import datetime
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from articles.contributors.models import Contributor, Credit, RateTable, Statement
from articles.contributors.services import contributor_save, credits_from_byline, rate_table_save
from articles.models import Article
from articles.roles import EDITOR, FINANCE, sync_roles
from tests.browser.steps import TIMEOUT, act_when_ready, follow, gone, log_in, screenshot
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's


def last_month_paper() -> None:
    """Two December stories by 左燕 (one on the front page) and a rate table."""
    rate_table_save(
        table=RateTable(starts_on=datetime.date(2020, 1, 1), photo_amount=Decimal("30"), front_page_extra=Decimal("20")),
        bands=[(0, 499, Decimal("40")), (500, None, Decimal("60"))],
    )
    zuo = contributor_save(contributor=Contributor(name="左燕"))
    issue = IssueFactory(date=datetime.date(2020, 12, 3))
    for number, chars in ((1, 600), (2, 300)):
        story = ArticleFactory(approved=True, body=f"<p>{'字' * chars}</p>")
        PlacementFactory(page=PageFactory(issue=issue, number=number), article=story)
        Credit.objects.create(article=story, contributor=zuo)


def test_the_desk_confirms_a_name_and_finance_downloads_and_pays_the_month(browser):
    sync_roles()
    editor = role_user(EDITOR, username="maxiaoxuan", first_name="马晓璇")
    role_user(FINANCE, username="caiwu", first_name="财务")
    last_month_paper()
    story = ArticleFactory(reporter=editor, byline="本报记者 左燕 通讯员 李明", status=Article.Status.DRAFT)
    credits_from_byline(article=story)

    # The editor finds 李明 typed as a one-off name in the story's byline and confirms him as a 通讯员.
    log_in(browser, "maxiaoxuan", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/articles/article/{story.pk}/change/")
    credits = browser.find_element(By.ID, "credits-group")
    assert "确认为作者" in credits.text
    screenshot(browser, "editor-credits.png", credits)
    follow(browser, credits.find_element(By.LINK_TEXT, "确认为作者"))
    Select(browser.find_element(By.ID, "id_kind")).select_by_value("correspondent")
    browser.find_element(By.ID, "id_unit").send_keys("金城镇")
    screenshot(browser, "editor-credit-confirm.png")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "#content-main button[type=submit]"))
    assert "已确认为作者" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert Contributor.objects.get(name="李明").kind == "correspondent"

    # Confirming twice is harmless: the link is gone, and the old address says so.
    confirm_url = f"{browser.live_server_url}/admin/contributors/credit/{story.credits.get(role='text', order=1).pk}/confirm/"
    browser.get(confirm_url)
    assert "已对应作者" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text

    # The finance office opens last month's statement from the desk's home page.
    log_in(browser, "caiwu", PASSWORD)
    follow(browser, browser.find_element(By.LINK_TEXT, "月度稿费结算单"))
    follow(browser, browser.find_element(By.LINK_TEXT, "2020-12"))
    table = browser.find_element(By.CLASS_NAME, "statement__lines")
    assert "120.00" in table.find_element(By.CLASS_NAME, "statement__total").text  # 60 + 20 头版, and 40
    screenshot(browser, "finance-statement.png")

    # The spreadsheet downloads in the same session: a real .xlsx (a zip: "PK").
    href = browser.find_element(By.PARTIAL_LINK_TEXT, ".xlsx").get_attribute("href")
    head = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer().then(b => "
        "done([r.headers.get('content-type'), String.fromCharCode(...new Uint8Array(b.slice(0, 2)))])));",
        href,
    )
    assert head == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"]

    # The page may still be settling after the download: click when the button lets us, then wait.
    before = browser.find_element(By.TAG_NAME, "html")
    act_when_ready(browser, lambda b: b.find_element(By.XPATH, "//button[contains(., '标记为已付')]").click())
    WebDriverWait(browser, TIMEOUT).until(gone(before))
    assert "已冻结" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert Statement.objects.get().total == Decimal("120")
    assert not browser.find_elements(By.XPATH, "//button[contains(., '标记为已付')]")
    screenshot(browser, "finance-statement-paid.png")
