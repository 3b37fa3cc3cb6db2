"""Helpers the tests share (fixtures live in conftest.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

from issues.models import Issue


@contextmanager
def assembling(*issues: Issue) -> Iterator[None]:
    """Lay out issues through the services as the desk does before release, then release them as they were.

    The services refuse to change a released issue, so a test that wants a released paper with
    jumps and teasers assembles it open first, as the desk would.
    """
    release_times = {issue.pk: Issue.objects.get(pk=issue.pk).release_at for issue in issues}
    Issue.objects.filter(pk__in=release_times).update(release_at=None)
    try:
        yield
    finally:
        for pk, release_at in release_times.items():
            Issue.objects.filter(pk=pk).update(release_at=release_at)
        for issue in issues:
            issue.refresh_from_db(fields=["release_at"])
