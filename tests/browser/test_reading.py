"""A reader follows the demo paper in Chromium: front page, jump inside and back, a teaser."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from tests.browser.steps import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_paper(tmp_path):
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))


def test_reader_follows_a_jump_inside_and_back_and_opens_a_teaser(browser, demo_paper):
    browser.get(browser.live_server_url + "/2020-12-03/")
    assert "区委常委会集体调研金科园、金城镇工作" in browser.page_source

    follow(browser, browser.find_element(By.LINK_TEXT, "(下转第二版)"))
    assert browser.current_url.endswith("/2020-12-03/2/#article-" + browser.current_url.split("#article-")[1])
    assert "第二版" in browser.find_element(By.ID, "page-title").text
    assert "【演示续文" in browser.page_source

    follow(browser, browser.find_element(By.LINK_TEXT, "(上接第一版)"))
    assert "/2020-12-03/1/" in browser.current_url

    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "详见三版"))
    assert "/2020-12-03/3/" in browser.current_url
    assert "擦亮“服务窗口”" in browser.page_source
