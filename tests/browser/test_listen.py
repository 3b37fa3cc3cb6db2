"""听新闻 in Chromium: what a page and a story read aloud, in which order, and when the control shows.

Chromium has no fake-voice switch, and headless Chromium here has no voices: the tests check that
the control stays hidden without a Chinese voice, and the reading order the control would speak
(window.newsroomListen.units, the very list it reads from); the speech API itself is not stubbed.
"""

import pytest
from selenium.webdriver.common.by import By

from issues.services import jump_create, placement_create
from tests.factories import ArticleFactory
from tests.helpers import assembling, build_issue, page_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "".join(f"<p>第{n}段正文。</p>" for n in range(1, 6))


@pytest.fixture
def jumping_story():
    issue, (front, second, *_rest) = build_issue()
    lead = ArticleFactory(approved=True, kicker="本报讯", headline="区委常委会集体调研", subheadline="聚焦重点项目", body=BODY, dateline="")
    other = ArticleFactory(approved=True, headline="二条新闻", body="<p>二条正文。</p>", dateline="")
    with assembling(issue):
        jump_create(placement=placement_create(page=front, article=lead), to_page=second, after_paragraph=2)
        placement_create(page=front, article=other)
    return front, lead


def units(browser, root: str) -> list[str]:
    return browser.execute_script(
        "return newsroomListen.units(document.querySelector(arguments[0]))"
        ".map(u => u.follow ? `→ ${new URL(u.follow).pathname} ${u.after}` : u.text)",
        root,
    )


def test_a_page_is_read_story_by_story_headline_lines_first_and_follows_the_jump(browser, jumping_story):
    front, lead = jumping_story
    browser.get(browser.live_server_url + page_url(front))

    assert units(browser, ".page") == [
        "本报讯", "区委常委会集体调研", "聚焦重点项目", "第1段正文。", "第2段正文。",
        f"→ {lead.get_absolute_url()} 2",
        "二条新闻", "二条正文。",
    ]


def test_a_story_is_read_whole_from_its_own_page(browser, jumping_story):
    _front, lead = jumping_story
    browser.get(browser.live_server_url + lead.get_absolute_url())

    assert units(browser, ".article") == [
        "本报讯", "区委常委会集体调研", "聚焦重点项目", *[f"第{n}段正文。" for n in range(1, 6)],
    ]
    # The continuation read after the jump starts where the page broke off.
    paragraphs = browser.execute_script("return [...document.querySelectorAll('.article .story__body > *')].slice(2).map(p => p.textContent)")
    assert paragraphs == ["第3段正文。", "第4段正文。", "第5段正文。"]


def test_long_paragraphs_are_spoken_a_sentence_or_two_at_a_time(browser, jumping_story):
    _front, lead = jumping_story
    browser.get(browser.live_server_url + lead.get_absolute_url())
    sentence = "全区上下认真学习贯彻会议精神，扎实推进各项重点工作落地见效。"
    chunks = browser.execute_script("return newsroomListen.chunks(arguments[0])", sentence * 12)
    assert "".join(chunks) == sentence * 12
    assert all(len(chunk) < 120 for chunk in chunks) and len(chunks) > 1


def test_the_listen_control_shows_only_when_the_browser_has_a_chinese_voice(browser, jumping_story):
    front, lead = jumping_story
    for url, label in ((page_url(front), "听本版"), (lead.get_absolute_url(), "听新闻")):
        browser.get(browser.live_server_url + url)
        control = browser.find_element(By.CSS_SELECTOR, "[data-listen]")
        assert control.find_element(By.CSS_SELECTOR, '[data-listen-action="play"]').get_attribute("textContent") == label
        has_voice = browser.execute_script("return !!newsroomListen.chineseVoice()")
        assert control.is_displayed() == has_voice
