"""The morning half of the day in Chromium: a reporter proposes (报题), an editor assigns (派题),
the reporter starts writing and watches the 字数 under the editor; the night editor reads the 稿单
and sees an overfull page on the assembly screen."""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from articles.planning.models import StoryPlan
from articles.text import char_count
from issues.services import issue_create, page_create, placement_create
from tests.browser.steps import TIMEOUT, follow, log_in, screenshot
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
# The same strings go through the JS counter and articles.text.char_count.
TYPED = ["社区食堂开业一个月", " Marathon 2026 开跑，", "“好吃不贵”！"]


def fill(browser, name: str, value: str) -> None:
    field = browser.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def save(browser) -> None:
    follow(browser, browser.find_element(By.NAME, "_save"))


def counted(browser) -> int:
    output = browser.find_element(By.ID, "char-count")
    return int(output.get_attribute("data-count"))


@pytest.fixture
def tomorrow(desk_people):
    day = timezone.localdate() + datetime.timedelta(days=1)
    issue = issue_create(date=day)
    front = page_create(issue=issue, number=1, name="要闻", editor=desk_people["editor"], capacity_chars=200)
    page_create(issue=issue, number=2, name="综合新闻", capacity_chars=3000)
    long_story = ArticleFactory(
        headline="重点工程冲刺年终目标", approved=True,
        body="".join(f"<p>{'全区重点工程进度超过序时' * 4}。</p>" for _ in range(6)),
    )
    placement_create(page=front, article=long_story)
    return issue


def test_reporter_proposes_editor_assigns_reporter_writes_and_sees_the_count(browser, desk_people, tomorrow):
    day = tomorrow.date.isoformat()
    log_in(browser, "zuoyan", PASSWORD)
    browser.get(browser.live_server_url + "/admin/planning/storyplan/add/")
    fill(browser, "slug", "社区食堂满月")
    fill(browser, "summary", "老城区第一家社区食堂开业一个月：就餐人数、价格、老人评价。")
    fill(browser, "issue_date", day)
    fill(browser, "page_number", "9")
    fill(browser, "planned_chars", "120")
    fill(browser, "deadline_0", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    fill(browser, "deadline_1", "17:00:00")
    save(browser)
    errors = browser.find_element(By.ID, "content").text
    assert "第九版" in errors and "已经过了" in errors  # no page 9; a deadline already past
    assert not StoryPlan.objects.exists()
    assert browser.find_element(By.NAME, "slug").get_attribute("value") == "社区食堂满月"  # nothing lost
    fill(browser, "page_number", "2")
    fill(browser, "deadline_0", day)
    save(browser)
    plan = StoryPlan.objects.get()
    assert plan.status == StoryPlan.Status.PROPOSED and plan.reporter == desk_people["reporter"]

    log_in(browser, "maxiaoxuan", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/planning/storyplan/{plan.pk}/change/")
    Select(browser.find_element(By.ID, "plan-reporter")).select_by_visible_text("左燕")
    Select(browser.find_element(By.ID, "plan-photographer")).select_by_visible_text("王静")
    screenshot(browser, "planning-assign.png", browser.find_element(By.CLASS_NAME, "plan-decide"))
    follow(browser, browser.find_element(By.ID, "plan-assign"))
    assert "已派给" in browser.find_element(By.CLASS_NAME, "messagelist").text
    plan.refresh_from_db()
    assert plan.status == StoryPlan.Status.ASSIGNED and plan.photographer == desk_people["editor2"]

    log_in(browser, "zuoyan", PASSWORD)
    assert "社区食堂满月" in browser.find_element(By.ID, "desk-plans").find_element(By.XPATH, "..").text
    browser.get(f"{browser.live_server_url}/admin/planning/storyplan/{plan.pk}/change/")
    follow(browser, browser.find_element(By.ID, "plan-start"))
    plan.refresh_from_db()
    assert plan.article is not None and f"/admin/articles/article/{plan.article_id}/change/" in browser.current_url
    WebDriverWait(browser, TIMEOUT).until(lambda driver: driver.find_element(By.ID, "char-count").is_displayed())
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys(Keys.CONTROL, "a")
    body.send_keys(Keys.DELETE)
    WebDriverWait(browser, TIMEOUT).until(lambda driver: counted(driver) == 0)
    typed = ""
    for text in TYPED:
        body.send_keys(text)
        typed += text
        WebDriverWait(browser, TIMEOUT).until(lambda driver: counted(driver) == char_count(typed))
        # The browser's count of the same string is the server's.
        assert browser.execute_script("return window.newsroomCharCount(arguments[0])", text) == char_count(text)
    assert char_count(typed) == 21  # 9 + Marathon and 2026 + 开跑， + “好吃不贵”！
    assert "120" in browser.find_element(By.ID, "char-count").text  # against the planned length
    screenshot(browser, "planning-char-count.png", browser.find_element(By.CLASS_NAME, "field-body"))


def test_night_editor_reads_the_budget_and_sees_the_overfull_page(browser, desk_people, tomorrow):
    log_in(browser, "maxiaoxuan", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/planning/storyplan/budget/{tomorrow.date.isoformat()}/")
    budget = browser.find_element(By.ID, "budget").text
    assert "重点工程冲刺年终目标" in budget and "第一版" in budget
    screenshot(browser, "planning-budget.png")
    follow(browser, browser.find_element(By.LINK_TEXT, "组版"))
    fit = browser.find_element(By.ID, "fit-1")
    assert "fit--over" in fit.get_attribute("class") and "超版" in fit.text
    assert "第一版超版：已排294字，容量200字" in browser.find_element(By.ID, "problems").text
    screenshot(browser, "planning-assembly-fit.png", fit.find_element(By.XPATH, ".."))
