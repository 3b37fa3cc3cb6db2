"""An editor imports a front page in Chromium: upload, preview, correct the text, preview, save."""

import pytest
from selenium.webdriver.common.by import By

from articles.models import Article
from issues.demo import DEMO_DIR
from tests.browser.steps import follow, log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


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
