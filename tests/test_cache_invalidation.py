"""What a change drops from the page cache (newsroom/invalidation.py), and one render per miss."""

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Transition
from articles.services import article_correct, article_submit, article_withdraw
from issues.models import Issue
from newsroom import cache
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, TeaserFactory
from tests.helpers import page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(reporter):
    """Two released issues: a corrected story on page 2 of the latest, teased from its page 1."""
    old = IssueFactory()
    old_story = PlacementFactory(page=PageFactory(issue=old, number=1)).article
    issue = IssueFactory()
    one, two, three = (PageFactory(issue=issue, number=n) for n in (1, 2, 3))
    before = PlacementFactory(page=two, order=1, article__headline="前一篇稿件").article
    story = PlacementFactory(page=two, order=2, article__headline="要更正的稿件").article
    after = PlacementFactory(page=two, order=3, article__headline="后一篇稿件").article
    far = PlacementFactory(page=three, order=1, article__headline="第三版的稿件").article
    TeaserFactory(page=one, article=story, label="导读")
    PlacementFactory(page=one, order=1, article__headline="头版稿件")
    old_story.tags.add("城建")
    story.tags.add("城建")
    return {"old": old, "old_story": old_story, "issue": issue, "pages": (one, two, three),
            "story": story, "before": before, "after": after, "far": far}


def urls_of(paper) -> dict[str, str]:
    one, two, three = paper["pages"]
    article = lambda story: reverse("articles:article-detail", args=[story.pk])  # noqa: E731
    return {
        "front": reverse("issues:front"),
        "issue": paper["issue"].get_absolute_url(),
        "page 1 (teases it)": page_url(one),
        "page 2 (prints it)": page_url(two),
        "page 3": page_url(three),
        "old issue's page": page_url(paper["old"].pages.get()),
        "the story": article(paper["story"]),
        "the story before it in print": article(paper["before"]),
        "the story after it in print": article(paper["after"]),
        "a story on page 3": article(paper["far"]),
        "a story of the old issue": article(paper["old_story"]),
        "archive": reverse("issues:archive"),
        "feed": reverse("articles:feed-rss"),
        "tag page": reverse("articles:tag-detail", args=["城建"]),
        "sitemap": "/sitemap-articles.xml",
        "api articles": "/api/v1/articles",
        "search": reverse("articles:search") + "?q=稿件",
    }


def warm(client, urls: dict[str, str]) -> None:
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert client.get(url)["X-Newsroom-Cache"] == "hit", name


def dropped(client, urls: dict[str, str]) -> set[str]:
    """The pages that render again now: the ones a change dropped."""
    return {name for name, url in urls.items() if client.get(url)["X-Newsroom-Cache"] != "hit"}


def test_saves_readers_cannot_see_leave_every_public_page_cached(client, paper, reporter, editor):
    unreleased = IssueFactory(released=False)  # tomorrow's paper, its release time already scheduled
    urls = urls_of(paper)
    warm(client, urls)

    draft = ArticleFactory(reporter=reporter, headline="记者的草稿")
    draft.body = "<p>又改了一遍。</p>"
    draft.save()  # with its history row
    article_submit(article=draft, user=reporter)  # a review step, logged in Transition
    assert Transition.objects.filter(article=draft).exists()
    PlacementFactory(page=PageFactory(issue=unreleased, number=1), article=draft)
    draft.tags.add("草稿标签")

    assert dropped(client, urls) == set()


def test_a_correction_drops_exactly_the_pages_that_show_the_story(client, paper, editor):
    urls = urls_of(paper)
    warm(client, urls)

    article_correct(article=paper["story"], user=editor, note="更正了标题", headline="更正后的标题")

    assert dropped(client, urls) == {
        "page 1 (teases it)", "front", "issue",  # the front page is the latest issue's page 1
        "page 2 (prints it)", "the story", "the story before it in print", "the story after it in print",
        "feed", "tag page", "sitemap", "api articles", "search",
    }
    assert "更正后的标题" in client.get(urls["the story"]).content.decode()
    assert "更正后的标题" in client.get(urls["the story before it in print"]).content.decode()


def test_a_change_to_a_released_issue_drops_every_page(client, paper):
    urls = urls_of(paper)
    warm(client, urls)
    page = paper["pages"][2]
    page.name = "新的版名"
    page.save()
    assert dropped(client, urls) == set(urls)


def key_of(url: str) -> str:
    return cache._page_key(RequestFactory().get(url))


@pytest.fixture
def rendering_elsewhere():
    """Hold a page's render lock, as another worker rendering it would."""
    held = []
    yield lambda url: held.append(key_of(url)) or cache._claim(cache.page_store(), cache._render_lock(key_of(url)), 30)
    for key in held:
        cache._unclaim(cache.page_store(), cache._render_lock(key))


def test_while_a_page_renders_again_others_get_the_previous_copy_marked_with_its_age(
    client, paper, editor, rendering_elsewhere
):
    url = urls_of(paper)["page 2 (prints it)"]
    client.get(url)
    article_correct(article=paper["story"], user=editor, note="更正", headline="更正后的标题")

    assert rendering_elsewhere(url)
    stale = client.get(url)

    assert stale["X-Newsroom-Cache"] == "stale" and "Age" in stale
    assert "要更正的稿件" in stale.content.decode()


def test_a_corrected_story_is_never_served_stale_on_its_own_page(client, paper, editor, settings, rendering_elsewhere):
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PUBLIC_CACHE": {**settings.NEWSROOM["PUBLIC_CACHE"], "RENDER_WAIT_SECONDS": 0.2},
    }
    url = urls_of(paper)["the story"]
    client.get(url)
    article_correct(article=paper["story"], user=editor, note="更正", headline="更正后的标题")

    assert rendering_elsewhere(url)
    response = client.get(url)  # waits for that render, then gives up and renders: never the old text

    assert response["X-Newsroom-Cache"] == "miss"
    assert "更正后的标题" in response.content.decode()


def test_a_withdrawn_story_is_never_served_stale(client, paper, chief, settings, rendering_elsewhere):
    settings.NEWSROOM = {
        **settings.NEWSROOM,
        "PUBLIC_CACHE": {**settings.NEWSROOM["PUBLIC_CACHE"], "RENDER_WAIT_SECONDS": 0.2},
    }
    urls = urls_of(paper)
    shown = ("the story", "page 2 (prints it)", "the story before it in print")
    for name in shown:
        assert "要更正的稿件" in client.get(urls[name]).content.decode()

    article_withdraw(article=paper["story"], user=chief, reason="报道失实")

    for name in shown:
        assert rendering_elsewhere(urls[name])
        response = client.get(urls[name])  # waits for that render, then gives up and renders
        assert response["X-Newsroom-Cache"] == "miss", name
        assert "要更正的稿件" not in response.content.decode(), name


@pytest.mark.parametrize("change", ["correction", "withdrawal"])
def test_a_reader_who_claims_the_render_just_after_another_finished_it_renders_nothing(
    client, paper, editor, chief, monkeypatch, change
):
    """The reader read the old entry, the other render stored its copy and let go of the claim,
    then the reader claimed: before, it rendered the page a second time (bench/run's mixed day
    counted two renders of one key in about a hundred corrections)."""
    url = urls_of(paper)["page 2 (prints it)"]
    client.get(url)
    if change == "correction":
        article_correct(article=paper["story"], user=editor, note="更正", headline="更正后的标题")
    else:
        article_withdraw(article=paper["story"], user=chief, reason="报道失实")
    real_claim, others = cache._claim, []

    def claim_after_another_rendered(store, name, seconds):
        if name == cache._render_lock(key_of(url)) and not others:
            others.append(None)
            others[0] = client.get(url)  # another worker renders, stores, lets go: all in between
        return real_claim(store, name, seconds)

    monkeypatch.setattr(cache, "_claim", claim_after_another_rendered)
    response = client.get(url)

    assert [other["X-Newsroom-Cache"] for other in others] == ["miss"]
    assert response["X-Newsroom-Cache"] == "hit"
    assert response.content == others[0].content
    assert "要更正的稿件" not in response.content.decode()


# --- One render per key, against a real server ---------------------------------------------------


def answered(answers: list[tuple[str, str]], *, meanwhile: str) -> bool:
    """One reader rendered; the others came during that render (``meanwhile``) or, on a busy machine,
    only after it was stored (``hit``): never a second render."""
    kinds = [how for how, _ in answers]
    return kinds.count("miss") == 1 and meanwhile in kinds and set(kinds) <= {"miss", meanwhile, "hit"}


def starts_at_once(readers: int) -> set[str]:
    """The generation tokens that readers arriving together get."""
    gate = threading.Barrier(readers)

    def read(_n) -> str:
        gate.wait()
        return cache.current_generation()[0]

    with ThreadPoolExecutor(max_workers=readers) as pool:
        return set(pool.map(read, range(readers)))


def test_readers_finding_the_cache_cold_at_once_start_one_generation():
    """Each starting its own would make the others' renders worthless (two renders of one page)."""
    for _attempt in range(5):
        cache.page_store().delete(cache.GENERATION_KEY)  # evicted, or flushed: cold again, at once
        assert len(starts_at_once(8)) == 1


def test_a_succession_claimed_by_a_worker_that_died_lapses_and_readers_still_agree(monkeypatch):
    monkeypatch.setattr(cache, "SUCCESSION_SECONDS", 1)
    cache.page_store().delete(cache.GENERATION_KEY)
    assert cache._claim(cache.page_store(), cache._successor_claim(None), 1)  # and never wrote
    assert len(starts_at_once(8)) == 1


def test_readers_finding_a_release_passed_at_once_start_one_generation():
    for attempt in range(5):
        outrun = (f"outrun{attempt}", 1.0, 0.0)  # its release time is long past
        cache.page_store().set(cache.GENERATION_KEY, outrun, None)
        tokens = starts_at_once(8)
        assert len(tokens) == 1 and outrun[0] not in tokens


def test_a_save_after_a_cold_start_is_not_undone_by_the_start():
    first = cache.current_generation()
    saved = cache.invalidate()
    cache.page_store().delete(cache.GENERATION_KEY)  # evicted
    assert cache.current_generation()[0] not in {first[0], saved[0]}


@pytest.mark.django_db(transaction=True)
def test_concurrent_misses_render_the_page_once(live_server, editor):
    issue = IssueFactory()
    story = PlacementFactory(page=PageFactory(issue=issue, number=1), article__headline="头版稿件").article
    from issues import views

    renders, lock = [], threading.Lock()
    real_render = views._render_page

    def slow_render(*args, **kwargs):
        with lock:
            renders.append(1)
        threading.Event().wait(0.5)  # long enough for every reader to arrive during the render
        return real_render(*args, **kwargs)

    def read(_n) -> tuple[str, str]:
        with urllib.request.urlopen(live_server.url + "/", timeout=20) as response:
            return response.headers["X-Newsroom-Cache"], response.read().decode()

    with mock.patch.object(views, "_render_page", slow_render):
        with ThreadPoolExecutor(max_workers=8) as pool:
            cold = list(pool.map(read, range(8)))  # nothing cached yet: they wait for the one render
        assert len(renders) == 1, [how for how, _ in cold]  # how each reader was answered
        assert answered(cold, meanwhile="wait")

        article_correct(article=story, user=editor, note="更正", headline="更正后的头版标题")
        renders.clear()
        with ThreadPoolExecutor(max_workers=8) as pool:
            after = list(pool.map(read, range(8)))  # the previous copy stands in meanwhile
        assert len(renders) == 1, [how for how, _ in after]
        assert answered(after, meanwhile="stale")
        assert "更正后的头版标题" in read(0)[1]
    assert Issue.objects.released().count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_correction_drops_all_its_tags_in_one_write(editor):
    """Its story's own tags hard, the pages' soft, at once: a page showing both, rendered between
    two writes, kept the second tag's old token and was rendered again (bench/run's mixed day
    counted two renders of one key after one correction)."""
    page = PageFactory(issue=IssueFactory(), number=2)
    story = PlacementFactory(page=page, article__headline="要更正的稿件").article
    store = cache.page_store()
    real_set_many = store.set_many
    writes = []

    def recorded(mapping, *args, **kwargs):
        dropped = {key.removeprefix(cache.TAG_KEY): value for key, value in mapping.items() if key.startswith(cache.TAG_KEY)}
        if dropped:
            writes.append(dropped)
        return real_set_many(mapping, *args, **kwargs)

    with mock.patch.object(store, "set_many", recorded):
        article_correct(article=story, user=editor, note="标题有误", headline="更正后的标题")

    assert len(writes) == 1, writes
    (dropped,) = writes
    assert dropped[f"article:{story.pk}"][2] is True  # hard: the story's own page is never served stale
    assert dropped[f"page:{page.pk}"][2] is False
    assert len({value[:2] for value in dropped.values()}) == 1  # one token, one time


@pytest.mark.django_db(transaction=True)
def test_a_change_during_the_one_render_makes_one_more_render_not_one_per_waiting_reader(live_server):
    """The copy a change overlapped may show the old rows: it is not stored, so its renderer
    renders once more under the same claim, and the readers waiting for it go on waiting."""
    page = PageFactory(issue=IssueFactory(), number=1)
    PlacementFactory(page=page, article__headline="头版稿件")
    from issues import views

    renders, lock = [], threading.Lock()
    real_render = views._render_page

    def render_overlapped_once(*args, **kwargs):
        with lock:
            renders.append(1)
            overlapped = len(renders) == 1
        threading.Event().wait(0.5)  # long enough for every reader to arrive during the render
        response = real_render(*args, **kwargs)
        if overlapped:
            cache.invalidate_tags({f"page:{page.pk}"})  # a save lands while the page renders
        return response

    def read(_n) -> str:
        with urllib.request.urlopen(live_server.url + "/", timeout=20) as response:
            return response.headers["X-Newsroom-Cache"]

    with mock.patch.object(views, "_render_page", render_overlapped_once):
        with ThreadPoolExecutor(max_workers=8) as pool:
            kinds = list(pool.map(read, range(8)))
        assert len(renders) == 2, kinds  # before: one more render for every reader that waited
        assert kinds.count("miss") == 1 and set(kinds) <= {"miss", "wait", "hit"}, kinds
        assert read(0) == "hit"  # the second render was stored


def test_scheduling_an_issue_keeps_the_exact_time_switch(client, paper):
    """A new release time is the one change nobody sees yet that drops every page: the switch moves."""
    urls = {"front": reverse("issues:front")}
    warm(client, urls)
    IssueFactory(released=False)
    assert dropped(client, urls) == {"front"}


def test_a_caption_correction_of_photo_news_drops_the_page_it_is_printed_on(client, paper, editor):
    from articles.photos import photo_caption_correct
    from tests.factories import PhotoFactory

    photo = PhotoFactory(article=None, caption="田间一片金黄。")
    PlacementFactory(page=paper["pages"][2], article=None, photo=photo, order=9)
    urls = urls_of(paper)
    warm(client, urls)

    photo_caption_correct(photo=photo, user=editor, caption="秋分时节，田间一片金黄。", note="原说明节气有误。")

    assert "page 3" in dropped(client, urls)
    assert "秋分时节" in client.get(urls["page 3"]).content.decode()


def test_a_contributor_renamed_drops_the_stories_credited_to_them_and_rate_tables_drop_nothing(client, paper):
    import datetime
    from decimal import Decimal

    from articles.contributors.models import Contributor, Credit, RateTable
    from articles.contributors.services import contributor_save, rate_table_save

    contributor = contributor_save(contributor=Contributor(name="左燕", kind=Contributor.Kind.STAFF))
    Credit.objects.create(article=paper["far"], contributor=contributor, role=Credit.Role.TEXT, order=1)
    urls = urls_of(paper)
    warm(client, urls)

    rate_table_save(table=RateTable(starts_on=datetime.date(2020, 1, 1)), bands=[(0, None, Decimal("50"))])
    assert dropped(client, urls) == set()

    contributor.name = "左燕（改名）"
    contributor_save(contributor=contributor)
    assert "a story on page 3" in dropped(client, urls)
    assert "the story" not in dropped(client, urls)  # not credited to them
