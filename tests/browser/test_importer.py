"""An editor imports pages in Chromium: upload, preview, correct the text or the reading, save."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from articles.models import Article
from issues.demo import DEMO_DIR
from tests.browser.steps import follow, log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
FEATURE = Path(__file__).resolve().parents[1] / "issues" / "pages" / "feature.txt"


def test_editor_uploads_previews_corrects_and_saves_a_page(browser):
    UserFactory(username="bianji", is_staff=True, is_superuser=True)
    log_in(browser, "bianji", PASSWORD)

    browser.get(browser.live_server_url + "/admin/issues/page/")
    follow(browser, browser.find_element(By.LINK_TEXT, "导入版面文字"))
    browser.find_element(By.NAME, "file").send_keys(str(DEMO_DIR / "2020-12-03-p1.txt"))
    browser.find_element(By.NAME, "date").send_keys("2020-12-03")
    browser.find_element(By.NAME, "page").send_keys("1")
    follow(browser, browser.find_element(By.NAME, "_preview"))

    screenshot(browser, "editor-import-preview.png")
    uncertain = browser.find_element(By.CSS_SELECTOR, "#preview-stories tr.uncertain")
    assert "我区部署集中宣讲工作" in uncertain.text and "标题拆分是推测的" in uncertain.text
    assert not Article.objects.exists()

    # The editor makes the second line the headline: kicker over headline, one line each.
    box = browser.find_element(By.NAME, "text")
    corrected = box.get_attribute("value").replace(
        "我区部署集中宣讲工作 区委成立十九届五中全会精神宣讲团", "区委成立十九届五中全会精神宣讲团"
    )
    browser.execute_script("arguments[0].value = arguments[1]", box, corrected)
    follow(browser, browser.find_element(By.NAME, "_preview"))
    assert "区委成立十九届五中全会精神宣讲团" in browser.find_element(By.ID, "preview-stories").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#preview-stories tr.uncertain")

    follow(browser, browser.find_element(By.NAME, "_save"))

    assert "/admin/issues/page/" in browser.current_url and "/change/" in browser.current_url
    assert "新建 8 篇" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    screenshot(browser, "editor-import-saved.png")
    assert Article.objects.filter(
        headline="区委成立十九届五中全会精神宣讲团", byline="马晓璇"
    ).exists()


def test_editor_imports_a_feature_page_merging_splitting_and_marking_in_the_preview(browser):
    UserFactory(username="bianji", is_staff=True, is_superuser=True)
    log_in(browser, "bianji", PASSWORD)
    browser.get(browser.live_server_url + "/admin/issues/page/import/")
    browser.find_element(By.NAME, "file").send_keys(str(FEATURE))
    browser.find_element(By.NAME, "date").send_keys("2020-12-03")
    browser.find_element(By.NAME, "page").send_keys("3")
    follow(browser, browser.find_element(By.NAME, "_preview"))

    # One story, with its two subheads and three captions, read as a feature page.
    reading = browser.find_element(By.ID, "preview-reading")
    assert len(reading.find_elements(By.CSS_SELECTOR, ".story-reading")) == 1
    assert len(reading.find_elements(By.CSS_SELECTOR, "li.block-subhead")) == 2
    assert len(reading.find_elements(By.CSS_SELECTOR, "li.block-caption")) == 3
    assert "识别为：专题版" in browser.find_element(By.CSS_SELECTOR, ".page-kind").text
    screenshot(browser, "editor-import-feature-preview.png", reading)

    # Split at the second subhead: two stories; merge them back: one again. Nothing saved yet.
    subhead = reading.find_elements(By.CSS_SELECTOR, "li.block-subhead")[1]
    follow(browser, subhead.find_element(By.XPATH, ".//button[contains(., '设为标题')]"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".story-reading")) == 2
    assert "已更正识别结果 1 处" in browser.find_element(By.CSS_SELECTOR, ".corrections").text
    follow(browser, browser.find_element(By.CSS_SELECTOR, "#reading-2 button.merge"))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".story-reading")) == 1
    assert not Article.objects.exists()

    # The editor decides the middle caption is a paragraph of the story after all.
    caption = browser.find_elements(By.CSS_SELECTOR, "#preview-reading li.block-caption")[1]
    assert "茶农在方麓茶场采摘秋茶" in caption.text
    follow(browser, caption.find_element(By.XPATH, ".//button[contains(., '设为正文')]"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#preview-reading li.block-caption")) == 2
    screenshot(browser, "editor-import-feature-corrected.png", browser.find_element(By.ID, "preview"))
    assert not Article.objects.exists()

    follow(browser, browser.find_element(By.NAME, "_save"))
    assert "图片说明 2 条" in browser.find_element(By.CSS_SELECTOR, ".messagelist").text
    [article] = Article.objects.all()
    assert article.body.count("<h3>") == 2 and "<p>茶农在方麓茶场采摘秋茶</p>" in article.body
    assert sorted(article.photos.values_list("caption", flat=True)) == [
        "区领导在薛埠镇茶园查看冬季管护情况",
        "游客在仙姑村民宿前拍照留念",
    ]
