"""校对 in Chromium: a flagged term is marked in the editor, a suggestion is applied, and 终审 waits for it."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from articles.models import Article
from articles.proofing.models import Hit
from tests.browser.steps import follow, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's


def marked(browser) -> str:
    """What the page's script has marked in the editor's text, once it has."""
    WebDriverWait(browser, 15).until(
        lambda driver: driver.find_element(By.ID, "proofing").get_attribute("data-marked")
    )
    return browser.find_element(By.ID, "proofing").get_attribute("data-marked")


def test_a_flagged_term_is_marked_in_the_editor_and_its_suggestion_applied(browser, waiting_story, chief, editor):
    log_in(browser, "zhiban", PASSWORD)
    url = f"{browser.live_server_url}/admin/articles/article/{waiting_story.pk}/change/"
    browser.get(url)
    assert "罪犯" in marked(browser).split("|")
    highlighted = browser.execute_script(
        "return [...CSS.highlights.get('proofing-blocking')].map(r => r.toString())"
    )
    assert highlighted == ["罪犯"]

    # 终审 is refused with the reason while the banned term stands.
    follow(browser, browser.find_element(By.XPATH, "//button[normalize-space()='终审通过']"))
    assert "罪犯" in browser.find_element(By.CLASS_NAME, "messagelist").text
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.SECOND_PASSED

    # One click applies the suggestion in the editor; saving keeps it and the hit is gone.
    item = browser.find_element(By.CSS_SELECTOR, ".proofing__hit--blocking")
    item.find_element(By.CLASS_NAME, "proofing__apply").click()
    editor_text = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror").text
    assert "犯罪嫌疑人张某" in editor_text and "罪犯" not in editor_text.replace("犯罪嫌疑人", "")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    assert "犯罪嫌疑人" in Article.objects.get(pk=waiting_story.pk).body
    assert not Hit.objects.filter(article=waiting_story, blocking=True, waiver__isnull=True).exists()

    # Now the chief approves.
    follow(browser, browser.find_element(By.XPATH, "//button[normalize-space()='终审通过']"))
    assert Article.objects.get(pk=waiting_story.pk).status == Article.Status.APPROVED


def test_a_hit_in_a_headline_or_caption_outlines_its_field_and_applies_there(browser, waiting_story, chief):
    from tests.factories import PhotoFactory

    waiting_story.headline = "村长谈治安"
    waiting_story.save()
    PhotoFactory(article=waiting_story, caption="北朝鲜代表团参观")
    log_in(browser, "zhiban", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/articles/article/{waiting_story.pk}/change/")
    marked(browser)
    headline = browser.find_element(By.ID, "id_headline")
    caption = browser.find_element(By.CSS_SELECTOR, "textarea[name$='-caption']")
    assert "proofing-field--hit" in headline.get_attribute("class")
    assert "proofing-field--blocking" in caption.get_attribute("class")
    for matched in ("村长", "北朝鲜"):
        item = browser.find_element(By.CSS_SELECTOR, f".proofing__hit[data-matched='{matched}']")
        item.find_element(By.CLASS_NAME, "proofing__apply").click()
    assert headline.get_attribute("value") == "村主任谈治安"
    assert caption.get_attribute("value") == "朝鲜代表团参观"


def test_check_now_lists_and_marks_what_was_typed_without_saving(browser, waiting_story, chief):
    log_in(browser, "zhiban", PASSWORD)
    browser.get(f"{browser.live_server_url}/admin/articles/article/{waiting_story.pk}/change/")
    marked(browser)
    body = browser.find_element(By.CSS_SELECTOR, "[contenteditable='true'].ProseMirror")
    body.click()
    body.send_keys("北朝鲜")
    browser.find_element(By.CLASS_NAME, "proofing__check").click()
    WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".proofing__hit[data-matched='北朝鲜']")
    )
    WebDriverWait(browser, 15).until(
        lambda driver: "北朝鲜" in driver.find_element(By.ID, "proofing").get_attribute("data-marked")
    )
    assert "北朝鲜" not in Article.objects.get(pk=waiting_story.pk).body  # nothing was saved
