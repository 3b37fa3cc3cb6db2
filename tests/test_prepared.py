"""Prepared reader queries (newsroom/prepared.py): the same rows as the queryset, at each call's time."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from issues.models import Issue, Placement
from newsroom.prepared import NotPreparable, PreparedQuery
from tests.factories import ArticleFactory, IssueFactory, PageFactory, PhotoFactory, PlacementFactory

pytestmark = pytest.mark.django_db

PUBLISHED_STORY = PreparedQuery(
    lambda pk: Article.objects.published().with_last_change().with_photos().filter(pk=pk), pk=int
)
STORIES_OF_ISSUE = PreparedQuery(
    lambda date: Placement.objects.published()
    .filter(page__issue__date=date, article__isnull=False)
    .select_related("page", "article")
    .order_by("page__number", "order"),
    date=datetime.date,
)
STORIES_BY_ID = PreparedQuery(lambda ids: Article.objects.published().filter(pk__in=ids).order_by("pk"), ids=list)


def test_the_same_rows_as_the_queryset_with_prefetches(front_story):
    PhotoFactory(article=front_story)
    story = PUBLISHED_STORY.first(pk=front_story.pk)
    expected = Article.objects.published().with_last_change().get(pk=front_story.pk)

    assert story == expected
    assert (story.released_at, story.changed_at) == (expected.released_at, expected.changed_at)
    with CaptureQueriesContext(connection) as queries:
        assert len(story.photos.all()) == 1
    assert len(queries) == 0  # prefetched with the prepared query


def test_each_call_binds_its_own_values(released_issue):
    page = PageFactory(issue=released_issue, number=1)
    first, second = PlacementFactory(page=page).article, PlacementFactory(page=page).article

    assert PUBLISHED_STORY.first(pk=first.pk) == first
    assert PUBLISHED_STORY.first(pk=second.pk) == second
    assert PUBLISHED_STORY.first(pk=10**9) is None
    assert [placement.article for placement in STORIES_OF_ISSUE.fetch(date=released_issue.date)] == [first, second]


def test_the_publication_rule_is_read_at_each_call_not_when_prepared():
    issue = IssueFactory(date=datetime.date(2020, 12, 4), released=False)
    issue.release_at = datetime.datetime(2020, 12, 4, 6, tzinfo=datetime.UTC)
    issue.save()
    story = PlacementFactory(page=PageFactory(issue=issue, number=1)).article

    with time_machine.travel(datetime.datetime(2020, 12, 4, 5, 59, tzinfo=datetime.UTC)):
        assert PUBLISHED_STORY.first(pk=story.pk) is None  # prepared now, before the release
        assert STORIES_OF_ISSUE.fetch(date=issue.date) == []
    with time_machine.travel(datetime.datetime(2020, 12, 4, 6, 1, tzinfo=datetime.UTC)):
        assert PUBLISHED_STORY.first(pk=story.pk) == story
        assert len(STORIES_OF_ISSUE.fetch(date=issue.date)) == 1


def test_a_draft_stays_hidden(released_issue):
    draft = PlacementFactory(page=PageFactory(issue=released_issue, number=1), article=ArticleFactory()).article
    assert PUBLISHED_STORY.first(pk=draft.pk) is None


def test_lists_of_any_length(released_issue):
    page = PageFactory(issue=released_issue, number=1)
    stories = [PlacementFactory(page=page).article for _ in range(3)]
    hidden = PlacementFactory(page=page, article=ArticleFactory()).article

    assert STORIES_BY_ID.fetch(ids=[stories[2].pk]) == [stories[2]]
    assert STORIES_BY_ID.fetch(ids=[story.pk for story in stories] + [hidden.pk]) == stories
    assert STORIES_BY_ID.fetch(ids=[stories[0].pk, stories[1].pk]) == stories[:2]
    assert STORIES_BY_ID.fetch(ids=[]) == []


def test_values_list_rows():
    issue = IssueFactory(date=datetime.date(2020, 12, 3), released=True)
    dates = PreparedQuery(lambda date: Issue.objects.released().filter(date__lte=date).values_list("date", flat=True), date=datetime.date)
    assert dates.fetch(date=issue.date) == [issue.date]
    assert dates.fetch(date=issue.date - datetime.timedelta(days=1)) == []


@pytest.mark.parametrize(
    "build, kinds, problem",
    [
        # None turns into IS NULL: the SQL depends on the value.
        (lambda pk: Article.objects.filter(pk=pk if pk < 0 else None), {"pk": int}, "does not use"),
        # A value changed in Python never reaches the query as given.
        (lambda pk: Article.objects.filter(pk=pk + 1), {"pk": int}, "changes a value"),
        (lambda pk: Article.objects.all(), {"pk": int}, "does not use"),
        (lambda date: Issue.objects.filter(date=date - datetime.timedelta(days=1)), {"date": datetime.date}, "changes a value"),
    ],
)
def test_a_query_that_depends_on_its_values_is_refused(build, kinds, problem):
    with pytest.raises(NotPreparable, match=problem):
        PreparedQuery(build, **kinds).fetch(**{name: kind(1) if kind is int else datetime.date(2020, 1, 1) for name, kind in kinds.items()})


def test_values_are_named_as_declared():
    with pytest.raises(TypeError):
        PUBLISHED_STORY.fetch(id=1)
    with pytest.raises(TypeError):
        PreparedQuery(lambda now: Article.objects.all(), now=datetime.datetime)


def test_attached_credits_and_photos_read_like_a_prefetch_and_chain_like_one(front_story):
    from articles.contributors.models import Credit
    from articles.models import STORY_CREDITS, STORY_PHOTOS

    other = ArticleFactory(approved=True)
    later = Credit.objects.create(article=front_story, name="李四", order=2)
    first = Credit.objects.create(article=front_story, name="张三", order=1)
    Credit.objects.create(article=other, name="王五")
    photos = [PhotoFactory(article=front_story, order=order) for order in (2, 1)]
    stories = [Article.objects.get(pk=front_story.pk), Article.objects.get(pk=other.pk)]

    STORY_CREDITS.attach(stories)
    STORY_PHOTOS.attach(stories)
    with CaptureQueriesContext(connection) as queries:
        assert list(stories[0].credits.all()) == [first, later]  # in the credits' own order
        assert [credit.name for credit in stories[1].credits.all()] == ["王五"]
        assert list(stories[0].photos.all()) == [photos[1], photos[0]]
        assert stories[0].credits.all()[0].article is stories[0]
        assert stories[0].credits.exists() and stories[0].credits.count() == 2
    assert len(queries) == 0
    # Chained, it asks the database for this story's credits only, as Django's prefetch cache does.
    assert list(stories[0].credits.filter(name="王五")) == []
    assert list(stories[0].credits.order_by("-order")) == [later, first]


def test_attached_tag_lists_match_with_tag_list(front_story):
    from articles.models import attach_tag_lists

    front_story.tags.add("乡村振兴", "安全生产", "两个加快")
    expected = Article.objects.with_tag_list().get(pk=front_story.pk).tag_list
    story = Article.objects.get(pk=front_story.pk)
    attach_tag_lists([story])
    assert story.tag_list == expected and len(expected) == 3


def test_an_id_past_64_bits_matches_nothing(front_story):
    assert PUBLISHED_STORY.first(pk=2**63) is None
    assert STORIES_BY_ID.fetch(ids=[2**63, front_story.pk]) == [front_story]
