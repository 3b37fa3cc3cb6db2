import datetime
import os

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PageFactory,
    PlacementFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def released_issue(db):
    return IssueFactory(date=datetime.date(2020, 12, 3), released=True)


@pytest.fixture
def unreleased_issue(db):
    return IssueFactory(date=datetime.date(2020, 12, 4), released=False)


@pytest.fixture
def front_story(released_issue):
    """An approved story on page 1 of a released issue."""
    page = PageFactory(issue=released_issue, number=1, name="要闻")
    return PlacementFactory(page=page, article=ArticleFactory(approved=True)).article


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))
