"""Every reader surface prints the byline made from the story's credits, the article page's way."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from articles.contributors.models import Contributor, Credit
from articles.models import Article
from tests.contributors.conftest import person, printed_story
from tests.helpers import page_url

pytestmark = pytest.mark.django_db
D3 = datetime.date(2020, 12, 3)
PRINTED = "本报记者 左燕 通讯员 王伟"


@pytest.fixture
def credited(public_cache_off):
    """A story on page 2 credited to 左燕 (with a page) and 王伟 (通讯员, page turned off), typed otherwise."""
    zuo = person("左燕")
    wang = person("王伟", Contributor.Kind.CORRESPONDENT, public_page=False)
    story = printed_story(day=D3, chars=100, credits=[(zuo, Credit.Role.TEXT), (wang, Credit.Role.TEXT)])
    story.headline, story.byline = "督查重点项目", "打字的署名"
    story.save()
    return story, zuo


def test_the_epaper_page_prints_the_credited_byline_with_links_and_a_typed_one_without_credits(client, credited):
    story, zuo = credited
    page = story.placements.get().page
    uncredited = printed_story(day=D3, chars=100)
    Article.objects.filter(pk=uncredited.pk).update(byline="本报记者 马晓璇")

    content = client.get(page_url(page)).content.decode()

    assert f'<p class="story__byline">本报记者 <a href="{zuo.get_absolute_url()}">左燕</a> 通讯员 王伟</p>' in content
    assert '<p class="story__byline">本报记者 马晓璇</p>' in content
    assert "打字的署名" not in content


def test_the_feeds_name_the_credited_byline_as_the_author(client, credited):
    for url in (reverse("articles:feed-rss"), reverse("articles:feed-atom")):
        content = client.get(url).content.decode()
        assert PRINTED in content and "打字的署名" not in content, url


def test_search_engines_read_the_credited_people_as_the_authors(client, credited):
    story, zuo = credited
    content = client.get(story.get_absolute_url()).content.decode()
    (found,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)

    assert json.loads(found)["author"] == [
        {"@type": "Person", "name": "左燕", "url": f"http://testserver{zuo.get_absolute_url()}"},
        {"@type": "Person", "name": "王伟"},
    ]


def test_the_api_gives_the_credited_byline(client, credited):
    story, _zuo = credited
    date = story.placements.get().page.issue.date

    assert client.get(f"/api/v1/articles/{story.pk}").json()["byline"] == PRINTED
    assert client.get("/api/v1/articles").json()["items"][0]["byline"] == PRINTED
    stories = client.get(f"/api/v1/issues/{date}/pages/2").json()["stories"]
    assert [part["article"]["byline"] for part in stories] == [PRINTED]


def test_a_search_result_shows_the_credited_byline(client, credited):
    content = client.get(reverse("articles:search"), {"q": "督查"}).content.decode()
    assert PRINTED in content and "打字的署名" not in content
