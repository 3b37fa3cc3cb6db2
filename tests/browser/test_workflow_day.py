"""A day at the paper in Chromium: a reporter files, editors review, the night editor assembles and releases, a reader reads."""

import io

import pytest
from django.utils import timezone
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from articles.models import Article
from tests.browser.steps import click_button, follow, log_in, screenshot
from tests.factories import IssueFactory, PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
HEADLINE = "我区新建十座口袋公园"


def open_article(browser):
    article = Article.objects.get(headline=HEADLINE)
    browser.get(f"{browser.live_server_url}/admin/articles/article/{article.pk}/change/")
    return article


@pytest.fixture
def day(tmp_path, desk_people):
    issue = IssueFactory(date=timezone.localdate(), release_at=None)
    PageFactory(issue=issue, number=1, name="要闻")
    PageFactory(issue=issue, number=2, name="综合新闻")
    photo = tmp_path / "park.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "green").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    return issue, photo


def test_a_story_goes_from_the_reporter_to_the_reader_in_one_day(browser, day):
    issue, photo = day

    # The reporter files a story with a photo and submits it.
    log_in(browser, "zuoyan", PASSWORD)
    browser.get(browser.live_server_url + "/admin/articles/article/add/")
    browser.find_element(By.ID, "id_headline").send_keys(HEADLINE)
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys("今年以来，我区利用边角地新建十座口袋公园。" + Keys.ENTER + "公园全部免费开放，方便居民就近休闲。")
    browser.find_element(By.CSS_SELECTOR, "#photos-group .add-row a").click()
    browser.find_element(By.NAME, "photos-0-image").send_keys(str(photo))
    browser.find_element(By.NAME, "photos-0-caption").send_keys("市民在新建的口袋公园散步。")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    assert "已审定" not in browser.find_element(By.CLASS_NAME, "workflow").text
    click_button(browser, "提交审核")
    assert "已提交" in browser.find_element(By.CLASS_NAME, "workflow").text
    article = Article.objects.get(headline=HEADLINE)
    assert article.photos.count() == 1 and len(article.paragraphs) == 2

    # One editor passes first review, a second editor second review (三审 is three people); an
    # edit typed in the form is saved by the review button itself. The chief gives final approval.
    log_in(browser, "maxiaoxuan", PASSWORD)
    assert "待初审：1 篇" in browser.find_element(By.CLASS_NAME, "desk").text  # the desk's home page
    browser.get(browser.live_server_url + "/admin/articles/article/?waiting=me")
    assert HEADLINE in browser.page_source
    open_article(browser)
    browser.find_element(By.ID, "id_subheadline").send_keys("全部免费开放")
    click_button(browser, "初审通过")
    assert Article.objects.get(pk=article.pk).subheadline == "全部免费开放"
    assert "二审通过" not in browser.find_element(By.CLASS_NAME, "workflow").text
    log_in(browser, "wangjing", PASSWORD)
    open_article(browser)
    click_button(browser, "二审通过")
    log_in(browser, "zhiban", PASSWORD)
    open_article(browser)
    click_button(browser, "终审通过")
    assert Article.objects.get(pk=article.pk).status == Article.Status.APPROVED

    # The night editor places it on page 1, jumps it to page 2, signs off both pages and releases.
    browser.get(f"{browser.live_server_url}/admin/issues/issue/{issue.pk}/assembly/")
    front = browser.find_element(By.ID, "page-1")
    Select(front.find_element(By.NAME, "article")).select_by_visible_text(f"{HEADLINE} (已审定)")
    follow(browser, front.find_element(By.XPATH, ".//button[normalize-space()='排入']"))
    front = browser.find_element(By.ID, "page-1")
    front.find_element(By.NAME, "after_paragraph").clear()
    front.find_element(By.NAME, "after_paragraph").send_keys("1")
    follow(browser, front.find_element(By.XPATH, ".//button[normalize-space()='设置转版']"))
    assert "(下转第二版)" in browser.find_element(By.ID, "page-1").text
    for number in (1, 2):
        page = browser.find_element(By.ID, f"page-{number}")
        follow(browser, page.find_element(By.XPATH, ".//button[normalize-space()='签发本版']"))
    assert "所有版面都已完整并签发" in browser.page_source
    screenshot(browser, "assembly.png")
    # A time already past releases at once (06:00 may still be ahead when the test runs).
    browser.execute_script("document.getElementById('release-at').value = '2000-01-01T00:00'")
    click_button(browser, "发布本期", accept_alert=True)
    assert "读者现在就能看到" in browser.page_source

    # A reader, not logged in, finds it on the front page and follows the jump.
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + "/")
    assert HEADLINE in browser.page_source
    assert "今年以来，我区利用边角地新建十座口袋公园。" in browser.page_source
    assert "公园全部免费开放" not in browser.page_source
    screenshot(browser, "reader-front-page.png")
    follow(browser, browser.find_element(By.LINK_TEXT, "(下转第二版)"))
    assert "公园全部免费开放，方便居民就近休闲。" in browser.page_source
    assert "(上接第一版)" in browser.page_source
