"""The duty chief's night in Chromium, on the demo paper: 终审 held back by proofreading until the
blocking hits are waived, a correction (更正) readers see, and a withdrawal (撤稿).

It walks the tasks of docs/manual/chief.md and takes that chapter's pictures (bin/screenshots).
"""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from articles.models import Article
from articles.proofing.demo import DEMO_HEADLINE
from tests.browser.steps import click_button, follow, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_password(tmp_path) -> str:
    call_command("loaddemo", password_file=str(tmp_path / "password"), stdout=open(tmp_path / "out", "w"))
    return (tmp_path / "password").read_text().strip()


def open_article(browser, article: Article) -> None:
    browser.get(f"{browser.live_server_url}/admin/articles/article/{article.pk}/change/")


def test_the_chief_waives_blocking_hits_approves_corrects_and_withdraws(browser, demo_password):
    log_in(browser, "chief", demo_password)

    # 终审 is refused while a blocking hit is open; waived with a reason, it goes through.
    story = Article.objects.get(headline=DEMO_HEADLINE)
    open_article(browser, story)
    screenshot(browser, "chief-proofing.png", browser.find_element(By.ID, "proofing"))
    click_button(browser, "终审通过")
    story.refresh_from_db()
    assert story.status == Article.Status.SECOND_PASSED
    screenshot(browser, "chief-proofing-refused.png")
    blocking = "#proofing .proofing__hit--blocking:not(.proofing__hit--waived) form.proofing__waive"
    while browser.find_elements(By.CSS_SELECTOR, blocking):
        form = browser.find_element(By.CSS_SELECTOR, blocking)
        form.find_element(By.NAME, "reason").send_keys("已核实：法院已判决；日期为原文引述。")
        follow(browser, form.find_element(By.TAG_NAME, "button"))
    click_button(browser, "终审通过")
    story.refresh_from_db()
    assert story.status == Article.Status.APPROVED

    # A correction: readers see the new text at once, with a dated note under the story.
    released = list(Article.objects.published().order_by("pk")[:2])
    corrected, withdrawn = released
    open_article(browser, corrected)
    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "更正这篇已发布的稿件"))
    subheadline = browser.find_element(By.ID, "id_subheadline")
    subheadline.clear()
    subheadline.send_keys("（已更正的副题）")
    browser.find_element(By.ID, "id_note").send_keys("本文副题有误，已更正。")
    screenshot(browser, "chief-correct.png")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit].default"))
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + corrected.get_absolute_url())
    assert "（已更正的副题）" in browser.page_source and "本文副题有误，已更正。" in browser.page_source
    screenshot(browser, "reader-correction.png")

    # A withdrawal: the reason is required, and the story leaves the site.
    log_in(browser, "chief", demo_password)
    open_article(browser, withdrawn)
    browser.find_element(By.ID, "workflow-comment").send_keys("应当事人要求，经核实后撤稿。")
    screenshot(browser, "chief-withdraw.png", browser.find_element(By.CLASS_NAME, "workflow"))
    click_button(browser, "撤稿")
    withdrawn.refresh_from_db()
    assert withdrawn.status == Article.Status.WITHDRAWN
    browser.delete_all_cookies()
    browser.get(browser.live_server_url + withdrawn.get_absolute_url())
    assert withdrawn.headline not in browser.page_source
