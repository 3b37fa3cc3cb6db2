"""Steps shared by the browser tests that wait for the browser instead of racing it.

Selenium's click returns as soon as the click is dispatched, not when the next page has loaded:
a test that reads the URL or opens another page straight after a click that navigates can see
the old page, or cancel the form post it just made. Every step here waits for the new document.
"""

import os
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15  # seconds: two test processes share two cores


def gone(element):
    """A wait condition: the element's document was replaced.

    Chromium sometimes answers a question about a node of the replaced document with "Node with
    given id does not belong to the document" instead of a stale reference: that is gone too.
    """

    def predicate(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return predicate


def follow(browser, element, accept_alert: bool = False) -> None:
    """Click a link or a submit button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    if accept_alert:
        WebDriverWait(browser, TIMEOUT).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser, TIMEOUT).until(gone(page))
    WebDriverWait(browser, TIMEOUT).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def log_in(browser, username: str, password: str) -> None:
    """Sign in to the admin and wait for its index, so the session cookie is set before the next step."""
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + "/admin/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    follow(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    assert "/admin/login/" not in browser.current_url, browser.page_source[:2000]


def click_button(browser, text: str, accept_alert: bool = False) -> None:
    """Press the button that reads ``text`` and wait for the page it leads to."""
    follow(browser, browser.find_element(By.XPATH, f"//button[normalize-space()='{text}']"), accept_alert)


# The manual's pictures (docs/screenshots/) are taken here, by the tests that walk the same tasks,
# so a changed screen changes its picture in the same commit. They are written only when asked
# (bin/screenshots sets NEWSROOM_SCREENSHOTS=1), at the browser fixture's fixed window of
# 1280×1600 (phone pictures at the 390 px the phone tests emulate). tests/test_docs.py checks that
# every picture the manual shows exists and is named by a screenshot() call in tests/browser/.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(browser, name: str, element=None) -> None:
    """Save the window (or one element of it) as docs/screenshots/<name> when NEWSROOM_SCREENSHOTS is set."""
    if not os.environ.get("NEWSROOM_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if element is None:
        browser.save_screenshot(str(SCREENSHOTS / name))
    else:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.screenshot(str(SCREENSHOTS / name))


def act_when_ready(browser, action, timeout: int = TIMEOUT):
    """Run ``action(browser)`` once the page lets it: a find-and-click on a page still settling
    (Chromium's "node does not belong to the document") is tried again instead of failing."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def attempt(driver):
        try:
            return action(driver) or True
        except (StaleElementReferenceException, WebDriverException):
            return False

    return WebDriverWait(browser, timeout).until(attempt)
