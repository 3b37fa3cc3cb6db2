"""The newsroom's people, one per role, for the articles tests (three distinct people for 三审)."""

import pytest

from articles.roles import CHIEF, EDITOR, REPORTER
from tests.factories import role_user


@pytest.fixture
def reporter(db):
    return role_user(REPORTER, username="zuoyan")


@pytest.fixture
def editor(db):
    return role_user(EDITOR, username="maxiaoxuan")


@pytest.fixture
def second_editor(db):
    return role_user(EDITOR, username="wangjing")


@pytest.fixture
def chief(db):
    return role_user(CHIEF, username="zhiban")
