"""Property-based: no path, parameter or query string a visitor can type gives a 500.

Bounded and deterministic for CI (derandomize, 100 examples a property, no deadline);
`HYPOTHESIS_PROFILE=thorough bin/test tests/test_fuzz_urls.py` runs 2,000 random ones each.
"""

import datetime
import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from django.urls import reverse

from tests.factories import ArticleFactory, IssueFactory, PageFactory, PlacementFactory
from tests.helpers import public_routes

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytestmark = pytest.mark.django_db

# Text a visitor can type: any Unicode but surrogates (which cannot travel in a URL).
typed = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
long_typed = st.text(st.characters(exclude_categories=["Cs"]), min_size=1000, max_size=5000)
# The edges where integer types overflow (signed and unsigned 32 and 64 bits) get drawn on
# purpose: page=2**63-1 was a 500 (an OFFSET past SQLite's integers) that random draws missed.
edges = [2**n + d for n in (31, 32, 63, 64) for d in (-1, 0, 1)]
numbers = st.one_of(
    st.integers(min_value=-10, max_value=200),
    st.sampled_from(edges),
    st.integers(min_value=2**31 - 2, max_value=2**65),
    st.integers(min_value=10**20, max_value=10**40),
).map(str)
# The calendar's ends, where date + timedelta overflows (date_to=9999-12-31 was a 500).
calendar_ends = [datetime.date(1, 1, 1), datetime.date(1, 1, 2), datetime.date(9999, 12, 30), datetime.date(9999, 12, 31)]
dates = st.one_of(
    st.sampled_from(calendar_ends).map(datetime.date.isoformat),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),  # includes 2020-02-30, 0000-00-00, 2020-13-01
)
raw_escapes = st.sampled_from(["%", "%zz", "%00", "%c0%af", "%2e%2e", "%2F", "%ff%fe", "..", "//", "\\", "%E5%AF"])
segment = st.one_of(typed.map(lambda text: quote(text, safe="")), numbers, dates, raw_escapes)
values = st.one_of(typed, long_typed, numbers, dates)

ROUTES, _unnamed = public_routes()
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@pytest.fixture
def paper(db):
    page = PageFactory(issue=IssueFactory(date=datetime.date(2020, 12, 3)), number=1, name="要闻")
    return PlacementFactory(page=page, article=ArticleFactory(approved=True)).article


def assert_not_500(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code < 500, (url, params, response.status_code)


@given(st.lists(segment, max_size=6))
def test_random_paths_never_give_a_500(client, paper, segments):
    assert_not_500(client, "/" + "/".join(segments))


@given(st.sampled_from(ROUTES), st.data())
def test_every_route_takes_any_parameter_value_without_a_500(client, paper, route, data):
    """Each route's parameters filled with random dates, numbers (huge ones too) and text."""
    def fill(match):
        kind = match.group("converter")
        strategy = {"isodate": dates, "int": numbers, "path": st.one_of(segment, st.lists(segment, max_size=4).map("/".join))}.get(kind, segment)
        return data.draw(strategy)

    path = PARAMETER.sub(fill, route.prefix.lstrip("^").rstrip("$"))
    assert_not_500(client, "/" + path.lstrip("/"))


FIXED_URLS = ["/", "/archive/", "/2020-12-03/", "/2020-12-03/1/", "/search/", "/api/v1/search", "/api/v1/articles", "/api/v1/issues"]


@given(
    st.sampled_from(FIXED_URLS + ["article"]),
    st.dictionaries(st.one_of(st.sampled_from(["q", "year", "page", "page_size", "date", "date_from", "date_to", "order", "format", "next"]), typed), values, max_size=4),
)
def test_any_query_string_on_any_page_never_gives_a_500(client, paper, url, params):
    """The search box, the API's lists and the query string of every public URL."""
    assert_not_500(client, paper.get_absolute_url() if url == "article" else url, params)


def test_archive_before_the_first_issue_is_released_is_not_a_500(client, db):
    """Found while writing these tests: /archive/ on a new site asked the database for year 0 (a 500)."""
    IssueFactory(released=False)
    assert client.get(reverse("issues:archive")).status_code == 200
    assert client.get(reverse("issues:archive"), {"year": "0"}).status_code in (200, 404)


# Search and its API with every parameter set at once: a word that is found, so the page number
# and dates reach the SQL (a random q mostly finds nothing and stops before them).
@given(
    st.sampled_from(["/search/", "/api/v1/search"]),
    st.fixed_dictionaries({}, optional={"page": numbers, "page_size": numbers, "date_from": dates, "date_to": dates, "order": st.sampled_from(["newest", "relevance", "x"])}),
)
def test_search_with_any_page_and_dates_never_gives_a_500(client, paper, url, params):
    assert_not_500(client, url, {"q": paper.headline.split()[0][:2], **params})
