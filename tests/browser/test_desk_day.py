"""A whole working day on the desk in Chromium, as the people who use it all day would live it.

Two stories with photos are filed, each saved several times with its photo; one is sent back,
fixed and filed again; an editor edits a story while passing 初审; the same editor is refused
二审 (三审 is three people), by the buttons and by the bulk action; the reporter and the editors
read their home pages; a change to a signed-off page takes its sign-off back; after the release
the pages and photos are read-only and readers see the stories with their photos.
"""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from articles.models import Article
from issues.models import Page
from tests.browser.steps import act_when_ready, click_button, follow, log_in, screenshot
from tests.factories import IssueFactory, PageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
PARKS = "我区新建十座口袋公园"
BUSES = "城乡公交新开三条线路"


def photo_file(tmp_path: Path, name: str, color: str) -> Path:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), color).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def save_and_continue(browser):
    follow(browser, browser.find_element(By.NAME, "_continue"))
    assert "errornote" not in browser.page_source, browser.find_element(By.ID, "content").text[:1500]


def open_article(browser, headline: str) -> Article:
    article = Article.objects.get(headline=headline)
    browser.get(f"{browser.live_server_url}/admin/articles/article/{article.pk}/change/")
    return article


def type_into_body(browser, text: str) -> None:
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys(Keys.CONTROL, Keys.END)
    body.send_keys(Keys.ENTER + text)


def desk_text(browser) -> str:
    browser.get(browser.live_server_url + "/admin/")
    return browser.find_element(By.CLASS_NAME, "desk").text


def bulk_action(browser, headline: str, action: str) -> str:
    """Tick one story in the article list, run a bulk action on it, and return the messages."""
    article = Article.objects.get(headline=headline)
    browser.get(browser.live_server_url + "/admin/articles/article/")
    box = f"input[name='_selected_action'][value='{article.pk}']"
    act_when_ready(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, box).click())
    act_when_ready(browser, lambda driver: Select(driver.find_element(By.NAME, "action")).select_by_value(action))
    follow(browser, browser.find_element(By.CSS_SELECTOR, "button[name='index']"))
    return browser.find_element(By.CLASS_NAME, "messagelist").text


def file_story(browser, headline: str, paragraphs: list[str], photo: Path, caption: str, pictures: bool = False) -> Article:
    browser.get(browser.live_server_url + "/admin/articles/article/add/")
    browser.find_element(By.ID, "id_headline").send_keys(headline)
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys(Keys.ENTER.join(paragraphs))
    browser.find_element(By.CSS_SELECTOR, "#photos-group .add-row a").click()
    browser.find_element(By.NAME, "photos-0-image").send_keys(str(photo))
    browser.find_element(By.NAME, "photos-0-caption").send_keys(caption)
    if pictures:  # the manual's pictures of filing a story (docs/manual/reporter.md)
        screenshot(browser, "reporter-file-form.png")
        screenshot(browser, "reporter-file-photo.png", browser.find_element(By.ID, "photos-group"))
    save_and_continue(browser)
    if pictures:
        screenshot(browser, "reporter-file-saved.png")
    return Article.objects.get(headline=headline)


@pytest.fixture
def desk(tmp_path, desk_people):
    issue = IssueFactory(date=timezone.localdate(), release_at=None)
    PageFactory(issue=issue, number=1, name="要闻")
    PageFactory(issue=issue, number=2, name="综合新闻")
    return issue, photo_file(tmp_path, "park.jpg", "green"), photo_file(tmp_path, "bus.jpg", "orange")


def test_a_whole_day_on_the_desk_with_photos_send_backs_and_three_reviewers(browser, desk):
    issue, park_photo, bus_photo = desk

    # Morning: the reporter files two stories with photos and saves each again and again.
    browser.get(browser.live_server_url + "/admin/login/")
    screenshot(browser, "login.png")
    log_in(browser, "zuoyan", PASSWORD)
    screenshot(browser, "reporter-home.png")
    parks = file_story(browser, PARKS, ["今年以来，我区利用边角地新建十座口袋公园。", "公园全部免费开放。"], park_photo, "市民在口袋公园散步。", pictures=True)
    type_into_body(browser, "下一步还将新建五座。")
    save_and_continue(browser)  # the second save of a story with a photo: the old 500
    caption = browser.find_element(By.NAME, "photos-0-caption")
    caption.clear()
    caption.send_keys("市民在新建的口袋公园里散步。")
    save_and_continue(browser)
    parks.refresh_from_db()
    assert parks.photos.get().caption == "市民在新建的口袋公园里散步。"
    assert "下一步还将新建五座。" in parks.body

    # A form that fails keeps the photo chosen on it: the headline is missing, then added.
    browser.get(browser.live_server_url + "/admin/articles/article/add/")
    browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror").send_keys("区交通运输局宣布，城乡公交新开三条线路。")
    browser.find_element(By.CSS_SELECTOR, "#photos-group .add-row a").click()
    browser.find_element(By.NAME, "photos-0-image").send_keys(str(bus_photo))
    browser.find_element(By.NAME, "photos-0-caption").send_keys("新线路首班车发车。")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    assert "errornote" in browser.page_source
    browser.find_element(By.ID, "id_headline").send_keys(BUSES)
    save_and_continue(browser)
    buses = Article.objects.get(headline=BUSES)
    assert buses.photos.get().caption == "新线路首班车发车。"
    type_into_body(browser, "三条线路均使用新能源公交车。")
    save_and_continue(browser)
    for headline in (PARKS, BUSES):
        open_article(browser, headline)
        screenshot(browser, "reporter-submit-button.png", browser.find_element(By.CLASS_NAME, "workflow"))
        click_button(browser, "提交审核")  # a save with the photo, and the step
        assert "已提交" in browser.find_element(By.CLASS_NAME, "workflow").text
        screenshot(browser, "reporter-submitted.png", browser.find_element(By.CLASS_NAME, "workflow"))

    # The first editor reads the home page, sends one story back with a comment, passes the other.
    log_in(browser, "maxiaoxuan", PASSWORD)
    assert "待初审：2 篇" in desk_text(browser)
    screenshot(browser, "editor-home.png")
    open_article(browser, PARKS)
    browser.find_element(By.ID, "workflow-comment").send_keys("请补充公园的具体位置。")
    screenshot(browser, "editor-send-back.png", browser.find_element(By.CLASS_NAME, "workflow"))
    click_button(browser, "退稿")
    assert Article.objects.get(headline=PARKS).status == Article.Status.SENT_BACK

    # The reporter finds it on the home page with the comment, fixes it (photo and all) and files again.
    log_in(browser, "zuoyan", PASSWORD)
    assert "请补充公园的具体位置。" in desk_text(browser)
    screenshot(browser, "reporter-home-sent-back.png")
    open_article(browser, PARKS)
    # The comment stands at the top of the story, above the form.
    notice = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby='sent-back-title']")
    assert "请补充公园的具体位置。" in notice.text
    assert notice.location["y"] < browser.find_element(By.ID, "id_headline").location["y"]
    screenshot(browser, "reporter-sent-back.png")
    type_into_body(browser, "十座公园分布在城区六个街道。")
    save_and_continue(browser)
    click_button(browser, "提交审核")
    parks.refresh_from_db()
    assert parks.status == Article.Status.SUBMITTED and parks.photos.count() == 1

    # The first editor edits while passing 初审; the edit is saved by the button itself.
    log_in(browser, "maxiaoxuan", PASSWORD)
    open_article(browser, PARKS)
    browser.find_element(By.ID, "id_subheadline").send_keys("全部免费开放")
    screenshot(browser, "editor-first-review.png", browser.find_element(By.CLASS_NAME, "workflow"))
    click_button(browser, "初审通过")
    parks.refresh_from_db()
    assert (parks.status, parks.subheadline) == (Article.Status.FIRST_PASSED, "全部免费开放")
    assert "二审通过" not in browser.find_element(By.CLASS_NAME, "workflow").text
    bulk_action(browser, BUSES, "pass_review_selected")
    assert Article.objects.get(headline=BUSES).status == Article.Status.FIRST_PASSED
    # Run again, the bulk action would take 二审 of the story this editor just passed: refused.
    refused = bulk_action(browser, BUSES, "pass_review_selected")
    screenshot(browser, "editor-three-people.png")
    assert BUSES in refused and Article.objects.get(headline=BUSES).status == Article.Status.FIRST_PASSED
    assert "待二审" in desk_text(browser) and "待二审：0 篇" in desk_text(browser)

    # The second editor takes 二审 of both; the chief gives 终审.
    log_in(browser, "wangjing", PASSWORD)
    assert "待二审：2 篇" in desk_text(browser)
    open_article(browser, PARKS)
    click_button(browser, "二审通过")
    bulk_action(browser, BUSES, "pass_review_selected")
    assert Article.objects.get(headline=BUSES).status == Article.Status.SECOND_PASSED
    log_in(browser, "zhiban", PASSWORD)
    assert "待终审：2 篇" in desk_text(browser)
    screenshot(browser, "chief-home.png")
    for headline in (PARKS, BUSES):
        open_article(browser, headline)
        screenshot(browser, "chief-approve.png", browser.find_element(By.CLASS_NAME, "workflow"))
        click_button(browser, "终审通过")
    assert Article.objects.filter(status=Article.Status.APPROVED).count() == 2

    # Night: the chief places both, signs off both pages; a jump set afterwards takes the sign-offs back.
    assembly = f"{browser.live_server_url}/admin/issues/issue/{issue.pk}/assembly/"
    browser.get(assembly)
    for number, headline in ((1, PARKS), (2, BUSES)):
        page = browser.find_element(By.ID, f"page-{number}")
        Select(page.find_element(By.NAME, "article")).select_by_visible_text(f"{headline} (已审定)")
        follow(browser, page.find_element(By.XPATH, ".//button[normalize-space()='排入']"))
    screenshot(browser, "assembly-placed.png")
    for number in (1, 2):
        follow(browser, browser.find_element(By.ID, f"page-{number}").find_element(By.XPATH, ".//button[normalize-space()='签发本版']"))
    assert Page.objects.filter(issue=issue, signed_off_at__isnull=False).count() == 2
    front = browser.find_element(By.ID, "page-1")
    assert "本版再有任何改动，签发即撤销。" in front.text
    screenshot(browser, "assembly-signed-off.png", front)
    front.find_element(By.NAME, "after_paragraph").clear()
    front.find_element(By.NAME, "after_paragraph").send_keys("1")
    follow(browser, front.find_element(By.XPATH, ".//button[normalize-space()='设置转版']"))
    assert Page.objects.filter(issue=issue, signed_off_at__isnull=False).count() == 0
    front = browser.find_element(By.ID, "page-1")
    assert "(下转第二版)" in front.text
    screenshot(browser, "assembly-jump.png", front)
    # A teaser on the front page points at the story inside.
    teaser_form = front.find_element(By.XPATH, ".//button[@value='teaser']/ancestor::form")
    Select(teaser_form.find_element(By.NAME, "article")).select_by_visible_text(BUSES)
    teaser_form.find_element(By.NAME, "label").send_keys("综合新闻")
    follow(browser, teaser_form.find_element(By.XPATH, ".//button[@value='teaser']"))
    front = browser.find_element(By.ID, "page-1")
    assert f"[综合新闻] {BUSES}" in front.text
    screenshot(browser, "assembly-teaser.png", front)
    # The page as readers will see it, before anything is released (the preview, for the desk only).
    preview = front.find_element(By.PARTIAL_LINK_TEXT, "预览").get_attribute("href")
    browser.get(preview)
    assert PARKS in browser.page_source and "(下转第二版)" in browser.page_source
    screenshot(browser, "assembly-preview.png")
    browser.get(assembly)
    for number in (1, 2):
        follow(browser, browser.find_element(By.ID, f"page-{number}").find_element(By.XPATH, ".//button[normalize-space()='签发本版']"))
    screenshot(browser, "assembly-release.png", browser.find_element(By.ID, "release-at").find_element(By.XPATH, "./ancestor::form"))
    browser.execute_script("document.getElementById('release-at').value = '2000-01-01T00:00'")
    click_button(browser, "发布本期", accept_alert=True)
    assert "读者现在就能看到" in browser.page_source
    screenshot(browser, "assembly-released.png")

    # Released means settled: the page screen has no save button, the photo cannot be replaced.
    log_in(browser, "maxiaoxuan", PASSWORD)
    page = Page.objects.get(issue=issue, number=1)
    browser.get(f"{browser.live_server_url}/admin/issues/page/{page.pk}/change/")
    assert not browser.find_elements(By.NAME, "_save")
    log_in(browser, "zuoyan", PASSWORD)
    photo = parks.photos.get()
    browser.get(f"{browser.live_server_url}/admin/articles/photo/{photo.pk}/change/")
    assert not browser.find_elements(By.NAME, "_save")

    # A reader sees both stories with their photos and follows the jump.
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + "/")
    assert PARKS in browser.page_source and "市民在新建的口袋公园里散步。" in browser.page_source
    follow(browser, browser.find_element(By.LINK_TEXT, "(下转第二版)"))
    assert "十座公园分布在城区六个街道。" in browser.page_source
    assert BUSES in browser.page_source and "新线路首班车发车。" in browser.page_source
