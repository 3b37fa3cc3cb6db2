"""The load test, small enough for CI: readers hammer the site while an editor saves and releases."""

import os

import pytest

from tests.load.run import run

# Not in the default run: since the review workflow it fails to see the release (its release step
# goes through the assembly screen); being reworked, run it by hand with `bin/test -m load tests/load`.
pytestmark = [pytest.mark.slow, pytest.mark.load]


def test_readers_see_no_errors_and_the_release_while_the_editor_loses_no_save():
    result = run(readers=12, seconds=20, saves=12, database_url=os.environ.get("DATABASE_URL"))
    print(result)
    assert result["errors"] == 0, result["error_samples"]
    assert result["failed_saves"] == []
    assert result["lost_saves"] == 0
    assert result["last_save_published"]
    assert result["seen_after_release_s"] is not None and result["seen_after_release_s"] < 5
    assert result["requests"] > 100
