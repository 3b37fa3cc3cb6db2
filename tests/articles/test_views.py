import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory

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
