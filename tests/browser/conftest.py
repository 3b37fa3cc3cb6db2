import pytest

from articles.roles import CHIEF, EDITOR, REPORTER
from tests.factories import role_user


@pytest.fixture
def desk_people(db):
    """The desk of a county paper: a reporter, two editors (三审 is three people) and the duty chief."""
    return {
        "reporter": role_user(REPORTER, username="zuoyan", first_name="左燕"),
        "editor": role_user(EDITOR, username="maxiaoxuan", first_name="马晓璇"),
        "editor2": role_user(EDITOR, username="wangjing", first_name="王静"),
        "chief": role_user(CHIEF, username="zhiban", first_name="值班总编"),
    }
