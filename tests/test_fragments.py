"""Story parts kept by their story (newsroom/fragments.py): a page rendered again draws only what changed."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import article_correct, article_withdraw
from newsroom import cache
from tests.factories import IssueFactory, PageFactory, PlacementFactory
from tests.helpers import page_url

pytestmark = pytest.mark.django_db

STORY_PART = "issues/includes/story_part.html"


@pytest.fixture
def page(public_cache_off, settings):
    """Page 2 of a released issue with three stories; whole pages are not cached, so every request renders."""
    settings.NEWSROOM["PUBLIC_CACHE"]["FRAGMENTS"] = True
    page = PageFactory(issue=IssueFactory(), number=2)
    for order, headline in enumerate(("前一篇稿件", "要更正的稿件", "后一篇稿件")):
        PlacementFactory(page=page, order=order, article__headline=headline)
    return page


def drawn(response) -> int:
    """How many story parts this response drew (the rest came from the store)."""
    return [template.name for template in response.templates].count(STORY_PART)


def story(headline: str) -> Article:
    return Article.objects.get(headline=headline)


def test_a_page_rendered_again_draws_only_the_story_that_changed(client, page, editor):
    first = client.get(page_url(page))
    again = client.get(page_url(page))

    assert (drawn(first), drawn(again)) == (3, 0)
    assert again.content == first.content

    article_correct(article=story("要更正的稿件"), user=editor, note="标题有误", headline="更正后的标题")
    corrected = client.get(page_url(page))

    assert drawn(corrected) == 1
    text = corrected.content.decode()
    assert "更正后的标题" in text and "要更正的稿件" not in text
    assert "标题有误" in text  # the 更正 note under it
    assert "前一篇稿件" in text and "后一篇稿件" in text


def test_stored_parts_cost_the_page_no_photo_or_credit_query(client, page):
    with CaptureQueriesContext(connection) as first:
        client.get(page_url(page))
    with CaptureQueriesContext(connection) as again:
        client.get(page_url(page))

    assert len(again) == len(first) - 2
    read = " ".join(query["sql"] for query in again.captured_queries)
    assert 'FROM "articles_photo"' not in read and 'FROM "contributors_credit"' not in read


def test_stored_parts_of_corrected_stories_cost_the_page_no_correction_query(client, page, editor):
    """Their 更正 notes are in the stored part: read only when a part is drawn."""
    for headline in ("前一篇稿件", "要更正的稿件"):
        article_correct(article=story(headline), user=editor, note=f"{headline}有误", subheadline="更正后的副题")
    first = client.get(page_url(page))
    with CaptureQueriesContext(connection) as again:
        second = client.get(page_url(page))

    assert second.content == first.content and "要更正的稿件有误" in second.content.decode()
    assert not [query for query in again.captured_queries if query["sql"].startswith('SELECT "articles_correction"')]


def test_the_sidebar_is_stored_with_the_issue_and_follows_the_next_issue(client, page, time_machine):
    def sidebar(response):
        return response.content.decode().split('<aside class="sidebar">')[1].split("</aside>")[0]

    first = client.get(page_url(page))
    again = client.get(page_url(page))
    assert "issues/includes/sidebar.html" in [template.name for template in first.templates]
    assert "issues/includes/sidebar.html" not in [template.name for template in again.templates]
    assert sidebar(again) == sidebar(first) and 'rel="next"' not in sidebar(first)

    # The next day's issue goes out by the clock (no change is saved): the sidebar links to it.
    following = IssueFactory(date=page.issue.date + datetime.timedelta(days=1), release_at=timezone.now() + datetime.timedelta(hours=1))
    time_machine.move_to(following.release_at)
    assert 'rel="next"' in sidebar(client.get(page_url(page)))


def test_a_withdrawn_story_is_gone_from_the_page_rendered_again(client, page, chief):
    assert "要更正的稿件" in client.get(page_url(page)).content.decode()

    article_withdraw(article=story("要更正的稿件"), user=chief, reason="报道失实")

    text = client.get(page_url(page)).content.decode()
    assert "要更正的稿件" not in text
    assert "前一篇稿件" in text and "后一篇稿件" in text


def test_a_part_is_kept_per_language(client, page, editor):
    article_correct(article=story("要更正的稿件"), user=editor, note="标题有误", headline="更正后的标题")
    assert "更正（" in client.get(page_url(page)).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page_url(page))

    assert drawn(english) == 3
    assert "Correction (" in english.content.decode()


def test_a_change_that_sends_no_signal_shows_once_the_whole_site_is_dropped(client, page):
    client.get(page_url(page))
    client.get(page_url(page))
    Article.objects.filter(headline="后一篇稿件").update(body="<p>批量改过的正文。</p>")  # no signal

    cache.invalidate()  # what a bulk write calls

    response = client.get(page_url(page))
    assert drawn(response) == 3
    assert "批量改过的正文" in response.content.decode()


def test_the_switch_to_a_new_issue_keeps_the_parts_of_the_old_ones(client, page, time_machine):
    client.get(page_url(page))
    # Scheduled to go out within the hour (stored parts are kept a day, as pages are).
    soon = IssueFactory(release_at=timezone.now() + datetime.timedelta(hours=1))
    time_machine.move_to(soon.release_at)

    response = client.get(page_url(page))

    assert drawn(response) == 0
    assert "前一篇稿件" in response.content.decode()


def test_a_story_page_rendered_again_draws_its_body_only_after_a_correction(client, page, editor):
    url = story("要更正的稿件").get_absolute_url()
    body = "articles/includes/story_body.html"
    first, again = client.get(url), client.get(url)

    assert [template.name for template in first.templates].count(body) == 1
    assert [template.name for template in again.templates].count(body) == 0
    assert again.content == first.content

    article_correct(article=story("要更正的稿件"), user=editor, note="正文有误", body="<p>更正后的正文。</p>")
    corrected = client.get(url)

    assert [template.name for template in corrected.templates].count(body) == 1
    text = corrected.content.decode()
    assert "更正后的正文" in text and "正文有误" in text and "第1段正文" not in text


def test_a_story_page_rendered_again_reads_only_the_story_and_where_it_ran(client, page):
    url = story("要更正的稿件").get_absolute_url()
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)

    tables = {re.match(r'SELECT "(\w+)"\.', query["sql"])[1] for query in again.captured_queries}
    assert tables == {"articles_article", "issues_placement"}, tables
    assert len(again) == 2 < len(first)
    text = response.content.decode()
    assert "前一篇稿件" in text and "后一篇稿件" in text  # 上一篇/下一篇 from the stored reading order


def test_a_neighbours_correction_and_withdrawal_show_on_the_story_page_rendered_again(client, page, editor, chief):
    url = story("要更正的稿件").get_absolute_url()
    client.get(url)

    article_correct(article=story("后一篇稿件"), user=editor, note="标题有误", headline="更正后的后一篇")
    corrected = client.get(url).content.decode()
    assert "更正后的后一篇" in corrected and "后一篇稿件" not in corrected

    article_withdraw(article=story("前一篇稿件"), user=chief, reason="失实")
    withdrawn = client.get(url).content.decode()
    assert "前一篇稿件" not in withdrawn and 'rel="prev"' not in withdrawn
    assert 'rel="next"' in withdrawn


def test_a_feed_rendered_again_reads_only_its_stories_and_shows_a_correction(client, page, editor):
    url = reverse("articles:feed-rss")
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert again.content == first.content
    assert {re.match(r'SELECT "(\w+)"\.', query["sql"])[1] for query in queries.captured_queries} == {"articles_article"}

    article_correct(article=story("后一篇稿件"), user=editor, note="标题有误", headline="更正后的后一篇")
    corrected = client.get(url).content.decode()
    assert "更正后的后一篇" in corrected and "后一篇稿件" not in corrected
    assert corrected.count("<item>") == 3
