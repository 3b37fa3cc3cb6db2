"""A reader prints a story: the story and where it ran, without the site around it."""

import pytest
from selenium.webdriver.common.by import By

from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_printed_story_keeps_its_text_and_in_print_line_and_drops_the_navigation(browser):
    page = PageFactory(issue=IssueFactory(), number=1)
    story = PlacementFactory(page=page, order=0, article=ArticleFactory(approved=True, headline="全区集中现场督查")).article
    PlacementFactory(page=page, order=1, article=ArticleFactory(approved=True, headline="下一篇稿件"))
    browser.get(browser.live_server_url + story.get_absolute_url())
    on_screen = browser.find_element(By.CSS_SELECTOR, ".masthead__nav")
    assert on_screen.is_displayed() and browser.find_element(By.CSS_SELECTOR, ".story-steps").is_displayed()

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})

    for hidden in (".masthead__nav", ".story-steps", ".footer"):
        assert not browser.find_element(By.CSS_SELECTOR, hidden).is_displayed(), hidden
    for kept in (".article__headline", ".story__body", ".article__printed", ".ran-on"):
        assert browser.find_element(By.CSS_SELECTOR, kept).is_displayed(), kept
