"""The load test, small enough for CI, and the rules it judges reader answers by."""

import os

import pytest

from tests.load.run import NEW_ISSUE_DATE, Answer, Timeline, judge, run

STORY = "/articles/7/"


@pytest.mark.slow
def test_readers_get_no_errors_and_see_the_release_while_the_desk_loses_no_save():
    result = run(readers=8, seconds=10, saves=6, database_url=os.environ.get("DATABASE_URL"))
    print(result)
    assert result["errors"] == 0, (result["error_samples"], result["server_log_tail"])
    assert (result["saves"], result["corrections"]) == (3, 3)
    assert result["lost_saves"] == 0
    assert result["last_save_stored"]
    assert result["stored_status"] == "approved"
    assert result["stored_corrections"] == 3
    assert result["last_save_published"]
    assert result["seen_after_release_s"] is not None and result["seen_after_release_s"] < 5
    assert result["requests"] >= 200


def answer(
    url: str, started: float, status: int = 200, *, headline: bool = False, save: int | None = None
):
    return Answer(url, started, started + 0.1, status, headline_shown=headline, save_shown=save)


def test_the_judge_accepts_what_readers_may_see_around_the_release():
    timeline = Timeline(
        release_clicked=10.0, release_done=10.5, visible_saves=[(10.5, 4), (12.0, 5)]
    )
    answers = [
        answer("/", 1.0),
        answer(f"/{NEW_ISSUE_DATE}/", 1.0, 404),
        answer(STORY, 1.0, 404),
        answer(STORY, 10.2, 404),  # asked while the release was being saved
        answer(STORY, 10.2, save=4),
        answer("/", 11.0, headline=True),
        answer(STORY, 11.0, save=4),
        answer(STORY, 12.5, save=5),
    ]
    assert judge(answers, timeline, origin=0.0, story_url=STORY) == []


def test_the_judge_flags_errors_leaks_a_missing_issue_and_stale_text():
    timeline = Timeline(
        release_clicked=10.0, release_done=10.5, visible_saves=[(10.5, 4), (12.0, 5)]
    )
    answers = [
        answer("/archive/", 1.0, 500),
        answer("/archive/", 1.0, 0),
        answer("/2020-12-03/", 1.0, 404),
        answer(STORY, 1.0, save=3),
        answer("/", 1.0, headline=True),
        answer(f"/{NEW_ISSUE_DATE}/", 11.0, 404),
        answer("/", 11.0),
        answer(STORY, 12.5, save=4),
    ]
    errors = judge(answers, timeline, origin=0.0, story_url=STORY)
    assert [error.strip() for error in errors] == [
        "/archive/ at +1.00s: 500",
        "/archive/ at +1.00s: 0",
        "/2020-12-03/ at +1.00s: unexpected 404",
        f"{STORY} at +1.00s: shown before the release",
        "/ at +1.00s: the story is on the front page before the release",
        f"/{NEW_ISSUE_DATE}/ at +11.00s: 404 after the release",
        "/ at +11.00s: the front page does not show the released issue",
        f"{STORY} at +12.50s: shows save 4 after save 5",
    ]
