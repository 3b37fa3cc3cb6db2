import datetime
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory, UserFactory
from tests.helpers import fill_archive

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def locations(client, url) -> list[str]:
    root = ElementTree.fromstring(client.get(url).content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def story(*, released=True, release_at=None, headline="全区集中现场督查", date=datetime.date(2020, 12, 3)):
    issue = IssueFactory(date=date, released=released, **({"release_at": release_at} if release_at else {}))
    page = PageFactory(issue=issue, number=1)
    return PlacementFactory(page=page, article=ArticleFactory(approved=True, headline=headline)).article


def test_a_story_three_days_old_is_on_the_news_front_but_no_longer_in_the_google_news_sitemap(client):
    from articles.models import NEWS_FRONT_WINDOW
    from newsroom.sitemaps import GOOGLE_NEWS_WINDOW

    three_days = datetime.timedelta(days=3)
    assert GOOGLE_NEWS_WINDOW < three_days < NEWS_FRONT_WINDOW  # two windows, two names (2 and 60 days)
    story(headline="三天前的新闻", release_at=timezone.now() - three_days, date=timezone.localdate() - three_days)

    assert "三天前的新闻" in client.get(reverse("articles:news")).content.decode()
    assert locations(client, reverse("sitemaps:news")) == []


def test_sitemap_index_lists_the_issue_page_and_article_sitemaps(client):
    story()
    assert locations(client, reverse("sitemaps:index")) == [
        "http://testserver/sitemap-issues.xml",
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-articles.xml",
    ]


def test_a_long_archive_is_split_into_numbered_sitemap_files(client, monkeypatch):
    from newsroom.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    first = story()
    second = story(headline="第二篇", date=datetime.date(2020, 12, 4))
    assert "http://testserver/sitemap-articles.xml?p=2" in locations(client, reverse("sitemaps:index"))
    assert locations(client, "/sitemap-articles.xml") == [f"http://testserver{first.get_absolute_url()}"]
    assert locations(client, "/sitemap-articles.xml?p=2") == [f"http://testserver{second.get_absolute_url()}"]
    for beyond in ("3", "0", "二"):
        assert client.get(f"/sitemap-articles.xml?p={beyond}").status_code == 404


def test_a_sitemap_file_keeps_its_stories_when_new_ones_are_published(client, monkeypatch):
    """Files are ranges of ids from the first published story: a new story opens a new file at the
    end and the old files read as before, so crawlers need not fetch them again."""
    from newsroom.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    stories = [story(headline=f"第{n}篇", date=datetime.date(2020, 12, n)) for n in (1, 2, 3)]
    before = {p: client.get(f"/sitemap-articles.xml?p={p}").content for p in (1, 2)}
    ArticleFactory(headline="未发布的草稿")  # an id in the third file, unpublished
    stories.append(story(headline="第4篇", date=datetime.date(2020, 12, 5)))

    assert {p: client.get(f"/sitemap-articles.xml?p={p}").content for p in (1, 2)} == before
    assert locations(client, "/sitemap-articles.xml?p=3") == [f"http://testserver{stories[3].get_absolute_url()}"]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_sitemaps_list_released_issues_pages_and_published_articles_with_lastmod(client, unpublished_stories):
    article = story()
    page = article.placements.get().page
    issue_urls = locations(client, "/sitemap-issues.xml")
    page_urls = locations(client, "/sitemap-pages.xml")
    article_urls = locations(client, "/sitemap-articles.xml")

    assert f"http://testserver{page.issue.get_absolute_url()}" in issue_urls
    assert "http://testserver/2020-12-01/" in issue_urls  # the draft's issue is released
    assert f"http://testserver{page.get_absolute_url()}" in page_urls
    assert article_urls == [f"http://testserver{article.get_absolute_url()}"]
    unreleased_date = unpublished_stories[1].placements.get().page.issue.date.isoformat()
    assert not any(unreleased_date in url for url in issue_urls + page_urls)
    assert "<lastmod>" in client.get("/sitemap-articles.xml").content.decode()


def test_news_sitemap_lists_stories_released_in_the_last_two_days(client, unpublished_stories):
    fresh = story(release_at=timezone.now() - datetime.timedelta(hours=3), date=timezone.localdate())
    story(headline="旧闻", release_at=timezone.now() - datetime.timedelta(days=3), date=timezone.localdate() - datetime.timedelta(days=3))

    root = ElementTree.fromstring(client.get(reverse("sitemaps:news")).content)
    urls = root.findall(f"{SITEMAP}url")

    assert [url.findtext(f"{SITEMAP}loc") for url in urls] == [f"http://testserver{fresh.get_absolute_url()}"]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "金坛时报"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "zh-cn"
    assert news.findtext(f"{NEWS}title") == "全区集中现场督查"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == fresh.placements.get().page.issue.release_at


def test_news_sitemap_leaves_out_a_story_of_an_issue_not_yet_released(client):
    story(released=False, date=timezone.localdate() + datetime.timedelta(days=1))
    assert ElementTree.fromstring(client.get(reverse("sitemaps:news")).content).findall(f"{SITEMAP}url") == []


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_admin_and_search(client):
    response = client.get("/robots.txt")
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in content and "Disallow: /search/" in content
    assert "Sitemap: http://testserver/sitemap.xml" in content
    assert "Sitemap: http://testserver/sitemap-news.xml" in content


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("issues", [1, 20])
@pytest.mark.parametrize(
    "url, queries",
    [
        # Each section's first and last public id (six), and the latest change once (two)
        ("/sitemap.xml", 8),
        ("/sitemap-issues.xml", 3),  # the first public id, the file's rows, their corrections
        ("/sitemap-pages.xml", 3),
        ("/sitemap-articles.xml", 2),
        ("/sitemap-news.xml", 1),
    ],
)
def test_sitemap_query_count_is_constant(client, django_assert_num_queries, issues, url, queries):
    fill_archive(issues)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def lastmods(client, url) -> dict[str, datetime.date]:
    """Each URL's lastmod; Django's sitemaps write the day, in the paper's time zone."""
    root = ElementTree.fromstring(client.get(url).content)
    return {
        entry.findtext(f"{SITEMAP}loc"): datetime.date.fromisoformat(entry.findtext(f"{SITEMAP}lastmod")[:10])
        for entry in root.iter(f"{SITEMAP}url")
    }


def index_lastmods(client) -> set[datetime.date]:
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    return {datetime.date.fromisoformat(at.text[:10]) for at in index.iter(f"{SITEMAP}lastmod")}


def test_sitemap_lastmod_is_the_release_time_not_the_last_save(client):
    release_at = timezone.now() - datetime.timedelta(days=5)
    released = timezone.localdate(release_at)
    article = story(release_at=release_at)
    page = article.placements.get().page
    article.save()
    page.issue.save()  # a later save (a demo load, a migration) is not a change readers saw

    assert lastmods(client, "/sitemap-articles.xml")[f"http://testserver{article.get_absolute_url()}"] == released
    assert lastmods(client, "/sitemap-pages.xml")[f"http://testserver{page.get_absolute_url()}"] == released
    assert lastmods(client, "/sitemap-issues.xml")[f"http://testserver{page.issue.get_absolute_url()}"] == released
    assert index_lastmods(client) == {released}


def test_a_correction_moves_the_lastmod_of_the_story_its_page_and_issue(client):
    article = story(release_at=timezone.now() - datetime.timedelta(days=5))
    other = story(headline="另一篇", date=datetime.date(2020, 12, 4), release_at=timezone.now() - datetime.timedelta(days=5))
    page = article.placements.get().page
    corrected_at = timezone.now() - datetime.timedelta(days=1)
    corrected = timezone.localdate(corrected_at)
    Correction.objects.create(article=article, note="更正", corrected_by=UserFactory(), corrected_at=corrected_at)

    assert lastmods(client, "/sitemap-articles.xml")[f"http://testserver{article.get_absolute_url()}"] == corrected
    assert lastmods(client, "/sitemap-articles.xml")[f"http://testserver{other.get_absolute_url()}"] != corrected
    assert lastmods(client, "/sitemap-pages.xml")[f"http://testserver{page.get_absolute_url()}"] == corrected
    assert lastmods(client, "/sitemap-issues.xml")[f"http://testserver{page.issue.get_absolute_url()}"] == corrected
    assert index_lastmods(client) == {corrected}


def test_a_caption_correction_of_photo_news_moves_the_lastmod_of_its_page_and_issue_only(client):
    from tests.factories import PhotoFactory

    release_at = timezone.now() - datetime.timedelta(days=5)
    released = timezone.localdate(release_at)
    article = story(release_at=release_at)
    page = article.placements.get().page
    other_page = PageFactory(issue=page.issue, number=2)
    photo = PhotoFactory(article=None, caption="田间一片金黄。")
    PlacementFactory(page=page, article=None, photo=photo, order=9)
    corrected_at = timezone.now() - datetime.timedelta(days=1)
    Correction.objects.create(photo=photo, note="说明有误", corrected_by=UserFactory(), corrected_at=corrected_at)

    pages = lastmods(client, "/sitemap-pages.xml")
    assert pages[f"http://testserver{page.get_absolute_url()}"] == timezone.localdate(corrected_at)
    assert pages[f"http://testserver{other_page.get_absolute_url()}"] == released
    assert lastmods(client, "/sitemap-issues.xml")[f"http://testserver{page.issue.get_absolute_url()}"] == timezone.localdate(corrected_at)
    assert lastmods(client, "/sitemap-articles.xml")[f"http://testserver{article.get_absolute_url()}"] == released
