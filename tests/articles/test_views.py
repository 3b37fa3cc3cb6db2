import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from taggit.models import Tag

from articles.models import Article
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory
from tests.helpers import fill_archive

pytestmark = pytest.mark.django_db


def meta(content: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', content)


def story(**fields):
    issue = IssueFactory()
    return PlacementFactory(page=PageFactory(issue=issue, number=1), article=ArticleFactory(approved=True, **fields)).article


def test_article_page_carries_opengraph_and_twitter_meta_for_sharing(client):
    article = story(headline="全区集中现场督查", subheadline="区领导带队检查重点项目")
    photo = PhotoFactory(article=article)
    article.tags.add("两个加快")
    release_at = article.placements.get().page.issue.release_at

    content = client.get(article.get_absolute_url()).content.decode()

    assert meta(content, "og:type") == ["article"]
    assert meta(content, "og:title") == ["全区集中现场督查"]
    assert meta(content, "og:description") == ["区领导带队检查重点项目"]
    assert meta(content, "og:url") == [f"http://testserver{article.get_absolute_url()}"]
    assert meta(content, "og:image") == [f"http://testserver{photo.image.url}"]
    assert meta(content, "twitter:card") == ["summary_large_image"]
    assert meta(content, "article:published_time") == [dateformat.format(timezone.localtime(release_at), "c")]
    assert meta(content, "article:tag") == ["两个加快"]


def test_article_without_subheadline_or_photo_is_described_by_its_first_paragraph(client):
    article = story(subheadline="", body="<p>本报讯 昨天下午，区委常委会集体调研。</p><p>第二段。</p>")
    content = client.get(article.get_absolute_url()).content.decode()
    assert meta(content, "og:description")[0].startswith("本报讯 昨天下午，区委常委会集体调研。")
    assert meta(content, "og:image") == []
    assert meta(content, "twitter:card") == ["summary"]


@pytest.mark.parametrize("url", ["/archive/", "/search/"])
def test_public_pages_name_their_canonical_url(client, url):
    story()
    content = client.get(url, {"q": "督查"}).content.decode()
    assert content.count('rel="canonical"') == 1
    assert f'<link rel="canonical" href="http://testserver{url}">' in content


def test_article_and_page_have_one_canonical_url_each(client):
    article = story()
    page = article.placements.get().page
    for url, canonical in [(article.get_absolute_url(), article.get_absolute_url()), ("/", page.get_absolute_url())]:
        content = client.get(url).content.decode()
        assert content.count('rel="canonical"') == 1
        assert f'<link rel="canonical" href="http://testserver{canonical}">' in content


def test_every_page_has_a_search_box(client):
    story()
    content = client.get(reverse("issues:front")).content.decode()
    assert f'action="{reverse("articles:search")}"' in content
    assert 'type="search" name="q"' in content


def test_article_says_under_its_headline_the_date_issue_and_page_it_ran_on(client):
    issue = IssueFactory(date=datetime.date(2020, 12, 3), number=141, total_number=6141)
    article = PlacementFactory(page=PageFactory(issue=issue, number=2, name="综合新闻"), article=ArticleFactory(approved=True)).article

    content = client.get(article.get_absolute_url()).content.decode()

    header = content.split('<header class="article__header">')[1].split("</header>")[0]
    assert "2020年12月3日" in header and "第141期" in header and "第二版 综合新闻" in header
    assert f'href="/2020-12-03/2/#article-{article.pk}"' in header
    # The masthead names the issue, as it does on the issue's pages.
    masthead = content.split('<div class="masthead__issue">')[1].split("</div>")[0]
    assert "2020年12月3日" in masthead and "总第6141期" in masthead


def test_article_tags_link_to_the_tags_stories_and_feeds(client):
    article = story()
    article.tags.add("两个加快")
    slug = article.tags.get().slug

    content = client.get(article.get_absolute_url()).content.decode()

    assert f'<a class="tag" href="{reverse("articles:tag-detail", args=[slug])}">两个加快</a>' in content
    assert f'href="{reverse("articles:tag-feed-rss", args=[slug])}"' in content
    assert f'href="{reverse("articles:tag-feed-atom", args=[slug])}"' in content


def test_tag_page_lists_the_tags_published_stories_newest_first_and_links_its_feeds(client):
    older, newer = story(headline="旧闻"), story(headline="新闻")
    hidden = ArticleFactory(headline="草稿里的")
    for article in (older, newer, hidden):
        article.tags.add("两个加快")
    slug = older.tags.get().slug

    content = client.get(reverse("articles:tag-detail", args=[slug])).content.decode()

    assert content.index("新闻</a>") < content.index("旧闻</a>")
    assert "草稿里的" not in content
    assert f'href="{reverse("articles:tag-feed-rss", args=[slug])}"' in content


def test_tag_only_on_drafts_has_no_page(client):
    ArticleFactory(headline="草稿").tags.add("密件")
    slug = Tag.objects.get().slug
    assert client.get(reverse("articles:tag-detail", args=[slug])).status_code == 404


def test_article_leads_to_the_stories_before_and_after_it_in_the_issues_reading_order(client):
    issue = IssueFactory()
    front, second = PageFactory(issue=issue, number=1), PageFactory(issue=issue, number=2)
    lead = PlacementFactory(page=front, order=0, article=ArticleFactory(approved=True, headline="头条")).article
    PlacementFactory(page=front, order=1, article=ArticleFactory(headline="未审稿件"))  # not approved: skipped
    middle = PlacementFactory(page=front, order=2, article=ArticleFactory(approved=True, headline="二条")).article
    PlacementFactory(page=second, order=0, article=lead)  # the lead continued: counted where it starts
    last = PlacementFactory(page=second, order=1, article=ArticleFactory(approved=True, headline="二版稿")).article

    content = client.get(middle.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{lead.get_absolute_url()}"' in content and "上一篇" in content
    assert f'rel="next" href="{last.get_absolute_url()}"' in content and "下一篇" in content
    assert "未审稿件" not in content

    first_page = client.get(lead.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first_page and f'rel="next" href="{middle.get_absolute_url()}"' in first_page
    assert 'rel="next"' not in client.get(last.get_absolute_url()).content.decode()


def structured_data(content: str) -> dict:
    (found,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return json.loads(found)


def test_article_describes_itself_as_a_news_article_for_search_engines(client):
    article = story(headline="全区集中现场督查</script><script>", byline="记者 左妍", subheadline="区领导带队")
    photo = PhotoFactory(article=article)
    article.tags.add("两个加快")
    issue = article.placements.get().page.issue

    content = client.get(article.get_absolute_url()).content.decode()
    data = structured_data(content)

    assert "</script><script>" not in content.split("application/ld+json")[1].split("</script>")[0]
    assert data["@type"] == "NewsArticle" and data["headline"] == "全区集中现场督查</script><script>"
    assert data["author"] == [{"@type": "Person", "name": "记者 左妍"}]
    assert data["image"] == [f"http://testserver{photo.image.url}"]
    assert datetime.datetime.fromisoformat(data["datePublished"]) == issue.release_at.replace(microsecond=0)
    assert data["dateModified"] == data["datePublished"]  # never corrected
    assert data["publisher"] == {"@type": "Organization", "name": "金坛区融媒体中心"}
    assert data["isPartOf"]["@type"] == "PublicationIssue" and data["isPartOf"]["issueNumber"] == str(issue.number)
    assert data["isPartOf"]["isPartOf"]["name"] == "金坛时报"
    assert data["keywords"] == ["两个加快"]


def test_article_share_card_carries_what_wechat_reads(client):
    article = story(headline="全区集中现场督查", subheadline="区领导带队检查重点项目")
    photo = PhotoFactory(article=article)

    content = client.get(article.get_absolute_url()).content.decode()

    assert '<meta itemprop="name" content="全区集中现场督查">' in content
    assert '<meta itemprop="description" content="区领导带队检查重点项目">' in content
    assert f'<meta itemprop="image" content="http://testserver{photo.image.url}">' in content


def test_a_tag_without_a_slug_shows_as_text_and_the_article_still_opens(client):
    article = story()
    article.tags.add("!!!")
    Tag.objects.filter(name="!!!").update(slug="")  # a name slugify empties (taggit keeps "")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert '<span class="tag">!!!</span>' in response.content.decode()


@pytest.mark.parametrize("issues", [1, 20])
def test_article_and_tag_pages_query_count_is_constant(client, django_assert_num_queries, public_cache_off, issues):
    fill_archive(issues)
    article = Article.objects.published().order_by("pk").first()
    # The article: itself with its last change, photos, tags, credits, corrections, its placements, its neighbours.
    with django_assert_num_queries(7):
        assert client.get(article.get_absolute_url()).status_code == 200
    # A tag: the tag, its stories counted a few pages ahead, the page of them.
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:tag-detail", args=["要闻"])).status_code == 200
