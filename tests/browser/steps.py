"""Steps shared by the browser tests that wait for the browser instead of racing it.

Selenium's click returns as soon as the click is dispatched, not when the next page has loaded:
a test that reads the URL or opens another page straight after a click that navigates can see
the old page, or cancel the form post it just made. Every step here waits for the new document.
"""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15  # seconds: two test processes share two cores


def follow(browser, element, accept_alert: bool = False) -> None:
    """Click a link or a submit button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    if accept_alert:
        WebDriverWait(browser, TIMEOUT).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser, TIMEOUT).until(expected_conditions.staleness_of(page))
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
