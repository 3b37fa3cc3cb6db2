"""A reader uses the e-paper in Chromium: hot zones, jumps, the archive calendar, a phone's screen."""

import datetime

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from tests.browser.steps import follow, log_in, screenshot
from tests.factories import IssueFactory, PageFactory
from tests.helpers import assembling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


@pytest.fixture
def demo_paper(tmp_path):
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))


def as_phone(browser) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def test_clicking_a_hot_zone_on_the_page_image_opens_the_story(browser, demo_paper):
    browser.get(browser.live_server_url + "/2020-12-03/")
    zones = browser.find_elements(By.CSS_SELECTOR, "svg.epaper__zones a.zone")
    assert len(zones) >= 2
    headline = zones[0].get_attribute("aria-label")

    follow(browser, zones[0])

    assert "/articles/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "h1.article__headline").text == headline


def test_jump_line_leads_to_the_continuation_and_back(browser, demo_paper):
    as_phone(browser)
    browser.get(browser.live_server_url + "/2020-12-29/")

    follow(browser, browser.find_elements(By.PARTIAL_LINK_TEXT, "(下转第四版)")[0])
    assert "/2020-12-29/4/#article-" in browser.current_url
    anchor = browser.current_url.split("#")[1]
    continued = browser.find_element(By.ID, anchor)
    assert "上接第一版" in continued.text

    follow(browser, continued.find_element(By.PARTIAL_LINK_TEXT, "(上接第一版)"))
    assert browser.current_url.endswith(f"/2020-12-29/1/#{anchor}")


def test_calendar_goes_to_another_month_and_opens_an_issue(browser, demo_paper):
    november = IssueFactory(date=datetime.date(2020, 11, 20), number=140, total_number=6035)
    PageFactory(issue=november, number=1, name="要闻")

    browser.get(browser.live_server_url + "/archive/2020/12/")  # the archive opens on the latest paper's month
    assert "2020年12月" in browser.find_element(By.ID, "archive-title").text
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".archive__steps a[rel=prev]"))
    assert "2020年11月" in browser.find_element(By.ID, "archive-title").text

    follow(browser, browser.find_element(By.CSS_SELECTOR, ".calendar__issue a"))

    assert browser.current_url.endswith("/2020-11-20/")
    assert "第一版" in browser.find_element(By.ID, "page-title").text

    # The month form reaches any month; the date picker on every page opens a day's paper.
    browser.get(browser.live_server_url + "/archive/2020/12/")
    # Chosen by value: clicking a closed <select>'s option now and then loses the node in Chromium.
    browser.execute_script("arguments[0].value = '11'", browser.find_element(By.ID, "archive-month"))
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".archive__jump button"))
    assert browser.current_url.endswith("/archive/2020/11/")
    picker = browser.find_element(By.ID, "date-jump-input")
    browser.execute_script("arguments[0].value = '2020-12-03'", picker)
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".date-jump button"))
    assert browser.current_url.endswith("/2020-12-03/")
    assert "区委常委会集体调研金科园、金城镇工作" in browser.page_source


def test_front_page_and_article_are_readable_on_a_phone_and_zones_still_work(browser, demo_paper):
    as_phone(browser)

    browser.get(browser.live_server_url + "/2020-12-03/")
    assert_fits_the_phone(browser)
    screenshot(browser, "phone-front-page.png")
    assert browser.find_element(By.CSS_SELECTOR, ".epaper__image").size["width"] >= 340
    zone = browser.find_elements(By.CSS_SELECTOR, "a.zone")[-1]
    headline = zone.get_attribute("aria-label")
    follow(browser, zone)
    assert browser.find_element(By.CSS_SELECTOR, "h1.article__headline").text == headline

    browser.get(browser.live_server_url + "/2020-12-03/")
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".headlines a"))
    assert "/articles/" in browser.current_url
    assert_fits_the_phone(browser)
    body = browser.find_element(By.CSS_SELECTOR, ".story__body p")
    assert float(body.value_of_css_property("font-size").removesuffix("px")) >= 16
    screenshot(browser, "phone-article.png")


def assert_fits_the_phone(browser) -> None:
    """Nothing wider than the screen: no sideways scrolling to read a line."""
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_editor_draws_a_zone_with_the_mouse_picks_the_story_and_readers_can_click_it(browser, demo_paper, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.select import Select

    from issues.models import HotZone, Page

    page = Page.objects.get(issue__date=datetime.date(2020, 12, 3), number=3)
    HotZone.objects.filter(placement__page=page).delete()
    story = page.placements.get().article
    log_in(browser, "admin", (tmp_path / "password").read_text().strip())
    # Zones are drawn before the release: the issue is open while the editor draws.
    with assembling(page.issue):
        browser.get(browser.live_server_url + f"/admin/issues/page/{page.pk}/zones/")
        canvas = browser.find_element(By.CSS_SELECTOR, "[data-canvas]")
        width, height = canvas.size["width"], canvas.size["height"]
        # From a tenth of the way in, across half the page and down a quarter of it.
        ActionChains(browser).move_to_element_with_offset(canvas, -width // 2 + width // 10, -height // 2 + height // 10).click_and_hold().move_by_offset(width // 2, height // 4).release().perform()
        Select(browser.switch_to.active_element).select_by_index(1)
        screenshot(browser, "editor-hot-zones.png")
        follow(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit].default"))

    zone = HotZone.objects.get(placement__page=page)
    assert zone.placement.article == story
    assert (zone.x, zone.y, zone.width, zone.height) == pytest.approx((0.1, 0.1, 0.5, 0.25), abs=0.02)
    browser.get(browser.live_server_url + page.get_absolute_url())
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.zone"))
    assert browser.find_element(By.CSS_SELECTOR, "h1.article__headline").text == story.headline
