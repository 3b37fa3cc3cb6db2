"""网络首发 in Chromium: a breaking story filed, approved through 三审, released online, read, then
placed in the next issue and released in print, at one URL throughout.

It walks the online release section of docs/manual/chief.md and takes its pictures (bin/screenshots).
"""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from articles.models import Article
from tests.browser.steps import click_button, follow, log_in, screenshot
from tests.factories import IssueFactory, PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
HEADLINE = "金坛大道今晚起封闭施工"


def open_article(browser, article: Article) -> None:
    browser.get(f"{browser.live_server_url}/admin/articles/article/{article.pk}/change/")


def test_a_breaking_story_goes_online_first_then_prints_at_the_same_url(browser, desk_people):
    issue = IssueFactory(date=timezone.localdate() + datetime.timedelta(days=1), release_at=None)
    PageFactory(issue=issue, number=1, name="要闻")

    # The reporter files the road closure and submits it.
    log_in(browser, "zuoyan", PASSWORD)
    browser.get(browser.live_server_url + "/admin/articles/article/add/")
    browser.find_element(By.ID, "id_headline").send_keys(HEADLINE)
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys("今晚20时起，金坛大道华城路至东门大街段封闭施工。" + Keys.ENTER + "过往车辆请绕行。")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    click_button(browser, "提交审核")
    story = Article.objects.get(headline=HEADLINE)

    # 三审: two editors and the chief.
    for username, button in (("maxiaoxuan", "初审通过"), ("wangjing", "二审通过"), ("zhiban", "终审通过")):
        log_in(browser, username, PASSWORD)
        open_article(browser, story)
        click_button(browser, button)
    story.refresh_from_db()
    assert story.status == Article.Status.APPROVED

    # The chief's home page lists it as waiting to go online.
    browser.get(browser.live_server_url + "/admin/")
    assert HEADLINE in browser.find_element(By.CLASS_NAME, "desk__online-waiting").text

    # An embargo first (tomorrow 08:00), shown with its time, then called back.
    open_article(browser, story)
    browser.execute_script("document.getElementById('id_at').value = arguments[0]",
                           f"{issue.date.isoformat()}T08:00")
    click_button(browser, "定时发布")
    panel = browser.find_element(By.CLASS_NAME, "workflow--online")
    assert "将于" in panel.text and "08:00" in panel.text
    screenshot(browser, "chief-online-embargo.png", panel)
    browser.find_element(By.ID, "online-reason").send_keys("交警部门提前发布，改为立即发布")
    click_button(browser, "撤回定时发布")
    story.refresh_from_db()
    assert story.online_at is None

    # Released online now: readers see it at once.
    screenshot(browser, "chief-online-release.png", browser.find_element(By.CLASS_NAME, "workflow--online"))
    click_button(browser, "立即网络首发")
    assert "已网络首发" in browser.page_source
    story.refresh_from_db()
    url = browser.live_server_url + story.get_absolute_url()

    # A reader finds it on the news front, from the masthead, and reads it: no page yet.
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + "/")
    follow(browser, browser.find_element(By.LINK_TEXT, "滚动新闻"))
    assert HEADLINE in browser.page_source
    follow(browser, browser.find_element(By.LINK_TEXT, HEADLINE))
    assert browser.current_url == url
    header = browser.find_element(By.CLASS_NAME, "article__header").text
    assert "网络首发于" in header and "第一版" not in header
    screenshot(browser, "reader-online-first.png")

    # The night desk places it on tomorrow's front page, signs off and releases the issue.
    log_in(browser, "zhiban", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/issues/issue/{issue.pk}/assembly/")
    front = browser.find_element(By.ID, "page-1")
    Select(front.find_element(By.NAME, "article")).select_by_visible_text(f"{HEADLINE} (已审定)")
    follow(browser, front.find_element(By.XPATH, ".//button[normalize-space()='排入']"))
    follow(browser, browser.find_element(By.ID, "page-1").find_element(By.XPATH, ".//button[normalize-space()='签发本版']"))
    browser.execute_script("document.getElementById('release-at').value = '2000-01-01T00:00'")
    click_button(browser, "发布本期", accept_alert=True)
    assert "读者现在就能看到" in browser.page_source

    # The same URL now shows when it went online and the page it ran on.
    browser.delete_all_cookies()
    browser.get(url)
    header = browser.find_element(By.CLASS_NAME, "article__header").text
    assert "网络首发于" in header and "第一版 要闻" in header
    assert browser.current_url == url
    screenshot(browser, "reader-online-then-print.png")
