import datetime
import re

import pytest

from issues.services import jump_create, placement_create
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory
from tests.helpers import assembling
from tests.helpers import fill_archive, latest_story

pytestmark = pytest.mark.django_db


def front_story(**fields):
    issue = IssueFactory(date=datetime.date(2020, 12, 3))
    front, second = PageFactory(issue=issue, number=1, name="要闻"), PageFactory(issue=issue, number=2, name="综合新闻")
    article = ArticleFactory(approved=True, headline="全区集中现场督查", **fields)
    with assembling(issue):
        jump_create(placement=placement_create(page=front, article=article), to_page=second, after_paragraph=2)
    return article


def test_issue_list_and_detail_show_released_issues_with_their_pages(client, unpublished_stories):
    front_story()
    listed = client.get("/api/v1/issues").json()
    assert [issue["date"] for issue in listed["items"]] == ["2020-12-03", "2020-12-01"]
    assert listed["count"] == 2

    detail = client.get("/api/v1/issues/2020-12-03").json()
    assert detail["url"] == "http://testserver/2020-12-03/"
    assert [(page["number"], page["label"], page["name"]) for page in detail["pages"]] == [(1, "第一版", "要闻"), (2, "第二版", "综合新闻")]


def test_unreleased_issue_and_its_pages_are_404(client, unpublished_stories):
    date = unpublished_stories[1].placements.get().page.issue.date
    assert client.get(f"/api/v1/issues/{date}").status_code == 404
    assert client.get(f"/api/v1/issues/{date}/pages/1").status_code == 404


def test_page_shows_its_stories_cut_where_they_jump(client):
    article = front_story()
    front = client.get("/api/v1/issues/2020-12-03/pages/1").json()
    second = client.get("/api/v1/issues/2020-12-03/pages/2").json()

    (part,) = front["stories"]
    assert part["article"]["id"] == article.pk
    assert len(part["paragraphs"]) == 2 and part["continued_to"] == 2 and part["continued_from"] is None
    (rest,) = second["stories"]
    assert len(rest["paragraphs"]) == 4 and rest["continued_from"] == 1


def test_page_leaves_out_a_draft(client, unpublished_stories):
    page = client.get("/api/v1/issues/2020-12-01/pages/1").json()
    assert page["stories"] == []


def test_article_detail_has_body_photos_jumps_and_tags(client):
    article = front_story()
    article.tags.add("两个加快")
    PhotoFactory(article=article)

    data = client.get(f"/api/v1/articles/{article.pk}").json()

    assert data["headline"] == "全区集中现场督查"
    assert data["issue_date"] == "2020-12-03"
    assert data["tags"] == [{"name": "两个加快", "slug": "两个加快"}]
    assert data["photos"][0]["url"].startswith("http://testserver/media/photos/")
    assert data["photos"][0]["caption"] == "区领导在项目现场督查。"
    assert len(data["paragraphs"]) == 6
    first, second = data["printed"]
    assert first["page"]["label"] == "第一版" and first["continued_on"]["number"] == 2
    assert first["breaks_after_paragraph"] == 2
    assert second["page"]["number"] == 2 and second["continued_on"] is None


def test_article_list_can_be_filtered_by_tag_and_paged(client):
    front_story()
    tagged = PlacementFactory(page=PageFactory(issue=IssueFactory(date=datetime.date(2020, 12, 4)), number=1)).article
    tagged.tags.add("两个加快")

    assert [a["id"] for a in client.get("/api/v1/articles", {"tag": "两个加快"}).json()["items"]] == [tagged.pk]
    first_page = client.get("/api/v1/articles", {"page_size": 1}).json()
    assert first_page["count"] == 2 and [a["id"] for a in first_page["items"]] == [tagged.pk]


def test_search_finds_a_two_character_word(client):
    article = front_story()
    data = client.get("/api/v1/search", {"q": "督查"}).json()
    assert [a["id"] for a in data["items"]] == [article.pk]
    assert data["items"][0]["excerpt"]


def test_search_without_words_is_a_clear_422(client):
    response = client.get("/api/v1/search")
    assert response.status_code == 422
    assert "q" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/articles", "/api/v1/search?q=秘闻", "/api/v1/articles?tag=秘闻", "/api/v1/issues/2020-12-01/pages/1"],
)
def test_lists_leave_out_unpublished_stories(client, unpublished_stories, url):
    PlacementFactory(
        page=unpublished_stories[0].placements.get().page,
        article=ArticleFactory(approved=True, headline="公开秘闻", body="<p>秘闻正文。</p>"),
    ).article.tags.add("秘闻")
    headlines = set(re.findall(r"'headline': '([^']*)'", str(client.get(url).json())))
    assert "公开秘闻" in headlines
    assert not headlines & {story.headline for story in unpublished_stories}


def test_unpublished_story_detail_is_404(client, unpublished_stories):
    for story in unpublished_stories:
        assert client.get(f"/api/v1/articles/{story.pk}").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/articles/0", "/api/v1/articles/abc", "/api/v1/issues/2020-02-30", "/api/v1/issues/2020-12-03/pages/9"])
def test_bad_ids_and_dates_are_client_errors_not_500(client, url):
    front_story()
    assert 400 <= client.get(url).status_code < 500


def test_openapi_schema_documents_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/v1/issues",
        "/api/v1/issues/{date}",
        "/api/v1/issues/{date}/pages/{number}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/search",
    }


def test_docs_page_loads_nothing_from_another_site(client):
    content = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in content
    assert not re.search(r'(src|href)="(https?:)?//', content)


@pytest.mark.parametrize("issues", [1, 20])
@pytest.mark.parametrize(
    "endpoint, queries",
    [
        ("issues", 2),  # count, page
        ("issue", 2),  # issue, pages
        ("page", 6),  # issue, pages, placements, their tags, their credits, incoming jumps
        ("articles", 4),  # count, page, tags, credits
        ("article", 5),  # article, tags, credits, photos, placements
        ("search", 4),  # count, page, tags, credits
    ],
)
def test_api_query_count_is_constant(client, django_assert_num_queries, issues, endpoint, queries):
    fill_archive(issues)
    story = latest_story()
    date = story.placements.first().page.issue.date
    url = {
        "issues": "/api/v1/issues",
        "issue": f"/api/v1/issues/{date}",
        "page": f"/api/v1/issues/{date}/pages/2",
        "articles": "/api/v1/articles",
        "article": f"/api/v1/articles/{story.pk}",
        "search": "/api/v1/search?q=正文",
    }[endpoint]
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/issues", "/api/v1/articles", "/api/v1/search?q=督查"])
@pytest.mark.parametrize("page", [2**63 - 1, 2**64, 10**40])
def test_a_page_number_past_64_bits_is_a_clear_422_not_a_500(client, url, page):
    front_story()
    response = client.get(url, {"page": page})
    assert response.status_code == 422
    assert "page" in response.content.decode()


def test_the_last_page_number_allowed_is_an_empty_page(client):
    front_story()
    response = client.get("/api/v1/articles", {"page": 10_000})
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize(
    "dates, found",
    [({"date_to": "9999-12-31"}, True), ({"date_from": "9999-12-31"}, False), ({"date_from": "0001-01-01", "date_to": "0001-01-01"}, False)],
)
def test_search_takes_dates_at_the_ends_of_the_calendar(client, dates, found):
    front_story()
    response = client.get("/api/v1/search", {"q": "督查", **dates})
    assert response.status_code == 200
    assert bool(response.json()["items"]) == found
