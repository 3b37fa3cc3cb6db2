"""A reader searches the demo paper in Chromium for a two-character word and finds the story."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from tests.browser.steps import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_paper(tmp_path):
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))


def test_reader_types_a_two_character_word_into_the_search_box_and_sees_the_story_highlighted(
    browser, demo_paper, tmp_path
):
    browser.get(browser.live_server_url + "/")
    box = browser.find_element(By.ID, "masthead-search")
    box.send_keys("督查")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.masthead__search button"))

    assert "/search/?q=" in browser.current_url
    headlines = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".search-result__headline")]
    assert "我区开展“两个加快全面决战年”第四次集中现场督查活动" in headlines
    marks = browser.find_elements(By.CSS_SELECTOR, ".search-result mark")
    assert marks and {mark.text for mark in marks} == {"督查"}
    browser.save_screenshot(str(tmp_path / "search.png"))  # look at it with pytest --basetemp

    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "第四次集中现场督查活动"))
    assert "/articles/" in browser.current_url
    assert "督查" in browser.find_element(By.CSS_SELECTOR, "h1").text
