"""The Content Security Policy blocks nothing the site itself needs: the desk's rich-text editor loads."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.steps import log_in
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`);
});
"""


def violations(browser) -> list[str]:
    return browser.execute_script("return window.__cspViolations || []")


def test_admin_article_editor_and_public_pages_run_under_the_policy(browser):
    UserFactory(username="night-editor", is_staff=True, is_superuser=True)
    page = PageFactory(issue=IssueFactory(), number=1, name="要闻")
    article = PlacementFactory(page=page, article=ArticleFactory(approved=True)).article
    # Runs before each document's own scripts, whatever the policy says.
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})

    for url in ("/", article.get_absolute_url(), "/archive/"):
        browser.get(browser.live_server_url + url)
        assert violations(browser) == [], url

    log_in(browser, "night-editor", "correct horse battery staple")
    browser.get(browser.live_server_url + "/admin/articles/article/add/")

        # Built by the editor's module scripts, which the import map (with the nonce) resolves.
    editors = browser.find_elements(By.CSS_SELECTOR, ".ProseMirror[contenteditable=true]")
    assert editors, "the rich-text editor did not start"
    assert browser.find_elements(By.CSS_SELECTOR, ".prose-menubar button, .prose-menubar__button")
    assert violations(browser) == []
