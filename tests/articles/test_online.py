"""网络首发: a story released online before (or without) print, with its own sign-off."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from articles.services import (
    article_call_back_online,
    article_correct,
    article_release_online,
    article_withdraw,
)
from tests.conftest import aware
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory
from tests.helpers import fill_archive

pytestmark = pytest.mark.django_db

Action = Transition.Action


@pytest.fixture
def breaking(reporter):
    """An approved story in no issue: a road closure that cannot wait for tomorrow's paper."""
    return ArticleFactory(headline="金坛大道今晚封闭施工", reporter=reporter, approved=True)


def story_page(client, article):
    return client.get(article.get_absolute_url())


# --- The rule, state by state ---------------------------------------------------------------------


def test_an_approved_story_in_no_issue_stays_hidden_until_released_online(client, breaking, chief):
    assert story_page(client, breaking).status_code == 404

    article_release_online(article=breaking, user=chief)

    response = story_page(client, breaking)
    assert response.status_code == 200
    assert "金坛大道今晚封闭施工" in response.content.decode()
    assert "网络首发" in response.content.decode()


def test_an_embargoed_story_goes_online_exactly_at_its_time(client, breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 3, 18))
    with time_machine.travel(aware(2020, 12, 3, 17, 59, 59), tick=False):
        assert story_page(client, breaking).status_code == 404
        assert "金坛大道" not in client.get(reverse("articles:news")).content.decode()  # stored in the cache
    with time_machine.travel(aware(2020, 12, 3, 18), tick=False):
        assert story_page(client, breaking).status_code == 200
        assert "金坛大道" in client.get(reverse("articles:news")).content.decode()


def test_an_embargo_called_back_before_its_time_keeps_the_story_hidden(client, breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 3, 18))
        article_call_back_online(article=breaking, user=chief, reason="等区政府通告")
    with time_machine.travel(aware(2020, 12, 3, 19), tick=False):
        assert story_page(client, breaking).status_code == 404
    breaking.refresh_from_db()
    assert breaking.online_at is None and breaking.online_by is None


def test_a_story_online_cannot_be_called_back_only_withdrawn(client, breaking, chief):
    article_release_online(article=breaking, user=chief)
    with pytest.raises(ValidationError, match="撤稿"):
        article_call_back_online(article=breaking, user=chief)
    article_withdraw(article=breaking, user=chief, reason="信息有误")
    assert story_page(client, breaking).status_code == 404


@pytest.mark.parametrize("status", [s for s in Article.Status if s != Article.Status.APPROVED])
def test_only_a_story_approved_in_final_review_goes_online(client, chief, status):
    story = ArticleFactory(status=status)
    with pytest.raises(ValidationError, match="终审"):
        article_release_online(article=story, user=chief)
    story.refresh_from_db()
    assert story.online_at is None
    assert story_page(client, story).status_code == 404


def test_editors_and_reporters_may_not_release_online(breaking, editor, reporter):
    for user in (editor, reporter):
        with pytest.raises(PermissionDenied, match="值班总编|chief"):
            article_release_online(article=breaking, user=user)
    breaking.refresh_from_db()
    assert breaking.online_at is None


def test_a_paper_may_grant_online_release_to_another_role(client, breaking, editor):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="release_article_online"))
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached on the instance
    article_release_online(article=breaking, user=editor)
    assert story_page(client, breaking).status_code == 200


def test_a_story_already_online_or_in_print_is_not_released_again(breaking, chief, front_story):
    article_release_online(article=breaking, user=chief)
    with pytest.raises(ValidationError, match="已于"):
        article_release_online(article=breaking, user=chief)
    with pytest.raises(ValidationError, match="已经公开"):
        article_release_online(article=front_story, user=chief)


def test_a_time_already_past_releases_now(breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 3, 9))
        assert breaking.online_at == aware(2020, 12, 3, 17)


def test_an_embargoed_story_edited_goes_back_to_final_review_and_loses_its_embargo(client, breaking, chief):
    from articles.services import article_reopen

    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 3, 18))
        article_reopen(article=breaking, user=chief)
    breaking.refresh_from_db()
    assert breaking.status == Article.Status.SECOND_PASSED and breaking.online_at is None
    assert list(breaking.transitions.values_list("action", flat=True)) == [
        Action.RELEASE_ONLINE, Action.CALL_BACK_ONLINE, Action.EDIT
    ]


# --- The sign-off trail ---------------------------------------------------------------------------


def test_the_review_log_says_who_released_it_online_when_and_the_embargo(breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 3, 18, 30))
        article_call_back_online(article=breaking, user=chief, reason="等区政府通告")
        article_release_online(article=breaking, user=chief)
    log = list(breaking.transitions.values_list("action", "actor", "comment", "at"))
    assert log == [
        (Action.RELEASE_ONLINE, chief.pk, "定时发布：2020-12-03 18:30:00", aware(2020, 12, 3, 17)),
        (Action.CALL_BACK_ONLINE, chief.pk, "已撤回原定于 2020-12-03 18:30:00 的网络首发。 等区政府通告", aware(2020, 12, 3, 17)),
        (Action.RELEASE_ONLINE, chief.pk, "立即发布", aware(2020, 12, 3, 17)),
    ]
    breaking.refresh_from_db()
    assert (breaking.online_by, breaking.online_at) == (chief, aware(2020, 12, 3, 17))


# --- Then it prints: one URL, both lines, one correction --------------------------------------------


def test_placed_in_an_issue_it_keeps_its_url_and_shows_both_online_time_and_page(client, breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief)
        issue = IssueFactory(date=datetime.date(2020, 12, 4), release_at=None)
        PlacementFactory(page=PageFactory(issue=issue, number=2, name="综合新闻"), article=breaking)
        before = story_page(client, breaking).content.decode()
        issue.release_at = aware(2020, 12, 3, 22)
        issue.save()
    assert "综合新闻" not in before and "2020年12月3日 17:00" in before
    with time_machine.travel(aware(2020, 12, 3, 22), tick=False):
        after = story_page(client, breaking).content.decode()
    assert "2020年12月3日 17:00" in after  # first published online at …
    assert "第二版" in after and "综合新闻" in after  # … and the page it ran on
    assert breaking.get_absolute_url() == f"/articles/{breaking.pk}/"


def test_one_correction_whether_made_after_the_online_or_the_print_release(client, breaking, chief, editor):
    article_release_online(article=breaking, user=chief)
    article_correct(article=breaking, user=editor, note="封闭时间更正为22时", headline="金坛大道今晚22时封闭施工")
    PlacementFactory(page=PageFactory(issue=IssueFactory(released=True), number=1), article=breaking)
    content = story_page(client, breaking).content.decode()
    assert content.count("封闭时间更正为22时") == 1
    assert breaking.corrections.count() == 1


# --- The news front (滚动新闻) ---------------------------------------------------------------------


def test_news_front_lists_stories_in_the_order_they_went_public_online_or_in_print(client, chief):
    printed_early = PlacementFactory(
        page=PageFactory(issue=IssueFactory(date=datetime.date(2020, 12, 3), release_at=aware(2020, 12, 3, 6))),
        article=ArticleFactory(approved=True, headline="早报头条"),
    ).article
    online_noon = ArticleFactory(approved=True, headline="午间快讯")
    online_evening = ArticleFactory(approved=True, headline="傍晚快讯")
    with time_machine.travel(aware(2020, 12, 3, 12), tick=False):
        article_release_online(article=online_noon, user=chief)
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=online_evening, user=chief)
    # The noon story printed in the next morning's paper keeps its place: it went public at noon.
    PlacementFactory(
        page=PageFactory(issue=IssueFactory(date=datetime.date(2020, 12, 4), release_at=aware(2020, 12, 4, 6))),
        article=online_noon,
    )
    with time_machine.travel(aware(2020, 12, 4, 8), tick=False):
        content = client.get(reverse("articles:news")).content.decode()
    headlines = [h for h in ("傍晚快讯", "午间快讯", "早报头条") if h in content]
    assert headlines == ["傍晚快讯", "午间快讯", "早报头条"]
    assert [content.index(h) for h in headlines] == sorted(content.index(h) for h in headlines)
    assert printed_early.headline in content


def test_news_front_pages_and_its_feed_follows_the_same_order(client, chief):
    stories = [ArticleFactory(approved=True, headline=f"快讯第{n}条") for n in range(25)]
    for n, story in enumerate(stories):
        with time_machine.travel(aware(2020, 12, 3, 8) + datetime.timedelta(minutes=n), tick=False):
            article_release_online(article=story, user=chief)
    with time_machine.travel(aware(2020, 12, 3, 10), tick=False):
        first = client.get(reverse("articles:news")).content.decode()
        second = client.get(reverse("articles:news"), {"page": 2}).content.decode()
        feed = client.get(reverse("articles:news-feed-rss")).content.decode()
    assert "快讯第24条" in first and "快讯第5条" in first and "快讯第4条" not in first
    assert "快讯第4条" in second and "快讯第0条" in second
    assert feed.index("快讯第24条") < feed.index("快讯第23条") < feed.index("快讯第0条")


def test_masthead_links_the_news_front_next_to_todays_paper(client, front_story):
    content = client.get(reverse("issues:front")).content.decode()
    assert f'href="{reverse("articles:news")}"' in content


@pytest.mark.parametrize("issues", [1, 8])
def test_news_front_query_count_is_constant(client, django_assert_num_queries, public_cache_off, chief, issues):
    fill_archive(issues)
    for n in range(issues):
        article_release_online(article=ArticleFactory(approved=True), user=chief)
    # The stories with their first release (one query with subqueries), and the capped count.
    with django_assert_num_queries(2):
        response = client.get(reverse("articles:news"))
    assert response.status_code == 200
    # The feed's stories, their tags and their bylines' credits.
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:news-feed-rss")).status_code == 200


# --- Every surface follows the rule ----------------------------------------------------------------


def test_an_online_story_is_in_search_feeds_sitemaps_and_the_api_and_a_hidden_one_is_not(client, chief):
    online = ArticleFactory(approved=True, headline="网络首发督查快讯")
    embargoed = ArticleFactory(approved=True, headline="定时发布督查快讯")
    article_release_online(article=online, user=chief)
    article_release_online(article=embargoed, user=chief, at=timezone.now() + datetime.timedelta(hours=1))
    for url in (
        reverse("articles:search") + "?q=督查",
        reverse("articles:feed-rss"),
        reverse("articles:news-feed-atom"),
        reverse("sitemaps:news"),
        "/api/v1/articles",
        "/api/v1/search?q=督查",
    ):
        content = client.get(url).content.decode()
        assert ("网络首发督查快讯" in content or online.get_absolute_url() in content), url
        assert "定时发布督查快讯" not in content and embargoed.get_absolute_url() not in content, url
    assert client.get(f"/api/v1/articles/{online.pk}").status_code == 200
    assert client.get(f"/api/v1/articles/{embargoed.pk}").status_code == 404


def test_news_front_as_the_home_page_moves_the_epaper_front():
    """NEWSROOM_NEWS_FRONT_HOME=true, as a server reads it from its environment (URLs are built at start)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = "from django.urls import reverse; print(reverse('articles:news'), reverse('issues:front'))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "NEWSROOM_NEWS_FRONT_HOME": "true"}
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=repo, env=env, check=True,
        capture_output=True, text=True, timeout=60,
    ).stdout.strip().splitlines()[-1].split()
    assert out == ["/", "/today/"]
    assert (reverse("articles:news"), reverse("issues:front")) == ("/news/", "/")


# --- The desk ---------------------------------------------------------------------------------------


def change_page(client, article):
    return client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()


def post_online(client, article, **data):
    return client.post(reverse("admin:articles_article_online", args=[article.pk]), data, follow=True)


def test_the_chief_releases_an_approved_story_online_from_its_change_page(client, breaking, chief):
    client.force_login(chief)
    assert "立即网络首发" in change_page(client, breaking)
    response = post_online(client, breaking, action="now")
    assert "已网络首发" in response.content.decode()
    breaking.refresh_from_db()
    assert breaking.online_by == chief and breaking.online_at is not None
    assert "立即网络首发" not in change_page(client, breaking)  # online: only 撤稿 takes it down now
    client.logout()
    assert story_page(client, breaking).status_code == 200


def test_the_chief_sets_moves_and_calls_back_an_embargo_and_bad_times_change_nothing(client, breaking, chief):
    client.force_login(chief)
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        for bad, message in (("", "请填写"), ("明早八点", "请填写"), ("2020-12-03T16:00", "时间已过")):
            content = post_online(client, breaking, action="at", at=bad).content.decode()
            assert message in content, bad
            breaking.refresh_from_db()
            assert breaking.online_at is None
        content = post_online(client, breaking, action="at", at="2020-12-03T18:30").content.decode()
        assert "将于 2020-12-03 18:30 网络首发" in content
        assert "2020-12-03 18:30:00" in change_page(client, breaking)
        post_online(client, breaking, action="at", at="2020-12-03T19:00")
        breaking.refresh_from_db()
        assert breaking.online_at == aware(2020, 12, 3, 19)
        content = post_online(client, breaking, action="call_back", reason="等通告").content.decode()
        assert "已撤回" in content
    breaking.refresh_from_db()
    assert breaking.online_at is None


def test_an_editor_sees_no_online_release_buttons_and_is_refused(client, breaking, editor):
    client.force_login(editor)
    assert "立即网络首发" not in change_page(client, breaking)
    assert post_online(client, breaking, action="now").status_code == 403
    breaking.refresh_from_db()
    assert breaking.online_at is None


def test_the_chiefs_home_lists_stories_waiting_to_go_online_and_embargoed_ones(client, breaking, chief):
    embargoed = ArticleFactory(approved=True, headline="明早定时发布的通告")
    article_release_online(article=embargoed, user=chief, at=timezone.now() + datetime.timedelta(hours=2))
    online = ArticleFactory(approved=True, headline="已经上网的快讯")
    article_release_online(article=online, user=chief)
    client.force_login(chief)
    content = client.get(reverse("admin:index")).content.decode()
    waiting = content[content.index("desk__online-waiting"):]
    assert "金坛大道今晚封闭施工" in waiting.split("</ul>")[0]
    embargo_list = content[content.index("desk__online-embargoed"):].split("</ul>")[0]
    assert "明早定时发布的通告" in embargo_list
    assert "已经上网的快讯" not in content


def test_an_embargo_that_lifts_after_the_issue_printed_it_is_not_called_first_online(client, breaking, chief):
    with time_machine.travel(aware(2020, 12, 3, 17), tick=False):
        article_release_online(article=breaking, user=chief, at=aware(2020, 12, 4, 8))
        issue = IssueFactory(date=datetime.date(2020, 12, 4), release_at=aware(2020, 12, 3, 22))
        PlacementFactory(page=PageFactory(issue=issue, number=1, name="要闻"), article=breaking)
    with time_machine.travel(aware(2020, 12, 4, 9), tick=False):
        content = story_page(client, breaking).content.decode()
    assert "第一版" in content and "网络首发于" not in content


def test_news_front_is_the_latest_sixty_days_and_older_stories_stay_in_the_archive(client, chief):
    old = ArticleFactory(approved=True, headline="两个月前的快讯")
    with time_machine.travel(aware(2020, 10, 1, 9), tick=False):
        article_release_online(article=old, user=chief)
    with time_machine.travel(aware(2020, 11, 29, 9), tick=False):
        assert "两个月前的快讯" in client.get(reverse("articles:news")).content.decode()
    with time_machine.travel(aware(2020, 12, 3, 9), tick=False):
        content = client.get(reverse("articles:news")).content.decode()
        assert "两个月前的快讯" not in content and "最近 60 天没有新发布的稿件" in content
        assert story_page(client, old).status_code == 200
