"""The administrator's tasks in Chromium: a new reporter's account in the 记者 role, who then logs
in and finds the reporter's desk; a word list imported from a file.

It walks the tasks of docs/manual/admin.md and takes that chapter's pictures (bin/screenshots).
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from articles.proofing.models import Term, TermList
from articles.roles import REPORTER, sync_roles
from tests.browser.steps import follow, log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # UserFactory's
NEW_PASSWORD = "县融媒体中心2026夜班"


def test_the_administrator_adds_a_reporter_and_imports_a_word_list(browser, tmp_path):
    sync_roles()  # a transactional test's flush removes the groups the migration made
    UserFactory(username="xinxi", is_staff=True, is_superuser=True)
    log_in(browser, "xinxi", PASSWORD)

    # A new account: name and password first, then staff status and one role.
    browser.get(browser.live_server_url + "/admin/auth/user/add/")
    browser.find_element(By.ID, "id_username").send_keys("lixiaoming")
    browser.find_element(By.ID, "id_password1").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "id_password2").send_keys(NEW_PASSWORD)
    screenshot(browser, "admin-user-add.png")
    follow(browser, browser.find_element(By.NAME, "_continue"))
    browser.find_element(By.ID, "id_first_name").send_keys("李晓明")
    browser.find_element(By.ID, "id_is_staff").click()
    Select(browser.find_element(By.ID, "id_groups_from")).select_by_visible_text(REPORTER)
    browser.find_element(By.ID, "id_groups_add").click()
    screenshot(browser, "admin-user-role.png", browser.find_element(By.ID, "id_groups_to").find_element(By.XPATH, "./ancestor::fieldset"))
    follow(browser, browser.find_element(By.NAME, "_save"))

    log_in(browser, "lixiaoming", NEW_PASSWORD)
    assert "我的草稿" in browser.find_element(By.CLASS_NAME, "desk").text
    assert "/static/manual/manual/reporter.html" in browser.find_element(By.CLASS_NAME, "manual-link").get_attribute("href")

    # A word list from a plain file, one term a line.
    log_in(browser, "xinxi", PASSWORD)
    words = tmp_path / "本报禁用词.txt"
    words.write_text("哄抢\n毛估估\n", encoding="utf-8")
    term_list = TermList.objects.create(name="本报禁用词")
    browser.get(f"{browser.live_server_url}/admin/proofing/termlist/{term_list.pk}/import/")
    browser.find_element(By.NAME, "file").send_keys(str(words))
    screenshot(browser, "admin-wordlist-import.png")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "#content-main form button[type=submit]"))
    assert Term.objects.filter(term_list=term_list).count() == 2
    screenshot(browser, "admin-wordlist-imported.png")
