"""Which database a query goes to: readers' pages read the replica, everything else the primary.

Only a request that ReplicaRoutingMiddleware let through reads the replica: a GET or HEAD
outside the admin, from someone who has not written in the last few seconds, while the replica
answers. Everything else, including management commands, the shell and background jobs, reads
and writes the primary. Any write during a request moves the rest of it to the primary and sets
a short-lived cookie, so the writer's next pages show what they just saved even if the replica
lags behind.
"""

import contextlib
import contextvars
import logging
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.connection import ConnectionDoesNotExist

PRIMARY = "default"
REPLICA = "replica"
# While this cookie lives, the browser's requests read the primary: it has just written.
PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})

logger = logging.getLogger(__name__)

# Per request (each thread or task has its own context); False outside requests.
_reads_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsroom_reads_replica", default=False
)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("newsroom_wrote", default=False)
_replica_failed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "newsroom_replica_failed", default=False
)
# Per process: monotonic time until which the replica is not tried again after it failed, and
# whether it failed last time (then a direct connection probes it before the pool is reopened:
# a refused connection fails at once, where the pool would wait out its timeout).
_replica_down_until = 0.0
_replica_suspect = False


def replica_configured() -> bool:
    """Whether DATABASE_REPLICA_URL gave this site a replica."""
    return REPLICA in settings.DATABASES


def mark_replica_down() -> None:
    """Use the primary alone in this process for NEWSROOM_REPLICA_RETRY_SECONDS."""
    global _replica_down_until, _replica_suspect
    _replica_down_until = time.monotonic() + settings.NEWSROOM_REPLICA_RETRY_SECONDS
    _replica_suspect = True
    # Drop the broken connection (and psycopg's pool, which would keep retrying in the
    # background) so that the next try, after the pause, connects afresh.
    with contextlib.suppress(DatabaseError, ConnectionDoesNotExist):
        connection = connections[REPLICA]
        connection.close()
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()


# On a PostgreSQL standby: is the WAL receiver streaming, and how many seconds is replay behind
# (0 when it has replayed all it received; NULL when this is not a standby). The status needs
# pg_read_all_stats (or a superuser); without it only the lag is known.
REPLICATION_SQL = """
    SELECT (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""
# Per process: monotonic time of the next replication check (at most one a second).
_replication_checked_until = 0.0
REPLICATION_CHECK_INTERVAL = 1.0


def replication_problem(cursor) -> str | None:
    """Why the standby's data cannot be trusted to be fresh, or None."""
    cursor.execute(REPLICATION_SQL)
    status, lag = cursor.fetchone()
    if status is not None and status != "streaming":
        return f"replication is {status}, not streaming"
    if lag is not None and lag > settings.NEWSROOM_REPLICA_MAX_LAG:
        return f"replay is {lag:.1f} s behind the primary"
    return None


def replica_available() -> bool:
    """Whether the replica answers and keeps up; if not, this process reads the primary a while.

    A stalled replica would keep showing a story the desk has just withdrawn, so one that
    stopped streaming or lags more than NEWSROOM_REPLICA_MAX_LAG seconds counts as down.
    """
    global _replication_checked_until, _replica_suspect
    now = time.monotonic()
    if now < _replica_down_until:
        return False
    connection = connections[REPLICA]
    problem = None
    try:
        if _replica_suspect and getattr(connection, "pool", None) is not None:
            with connection.wrap_database_errors:
                connection.Database.connect(**connection.get_connection_params()).close()
        # cursor(), not ensure_connection(): it runs Django's health check on a reused connection.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and now >= _replication_checked_until:
                _replication_checked_until = now + REPLICATION_CHECK_INTERVAL
                problem = replication_problem(cursor)
    except DatabaseError as error:
        problem = str(error)
    if problem:
        logger.warning("Read replica unavailable, reading the primary: %s", problem)
        mark_replica_down()
        return False
    _replica_suspect = False
    return True


class PrimaryReplicaRouter:
    """Reads go to the replica only inside a request the middleware allowed; writes to the primary."""

    def db_for_read(self, model, **hints) -> str:
        return REPLICA if _reads_replica.get() else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        # Asked before every save, update, delete and bulk write: from here on, read your writes.
        _reads_replica.set(False)
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


class ReplicaRoutingMiddleware:
    """Let readers' requests read the replica, fall back to the primary when it fails, pin writers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @cached_property
    def primary_prefixes(self) -> tuple[str, ...]:
        # Looked up when first needed, not when the middleware is built: a site (or a test) whose
        # URLconf has no admin then still answers, as long as it reads no replica.
        return (reverse("admin:index"),)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        tokens = (
            _reads_replica.set(self.may_read_replica(request) and replica_available()),
            _wrote.set(False),
            _replica_failed.set(False),
        )
        try:
            reads_replica = _reads_replica.get()
            response = self.get_response(request)
            if reads_replica and _replica_failed.get():
                # The replica went away mid-request: a reader's GET is safe to run again.
                mark_replica_down()
                _reads_replica.set(False)
                _replica_failed.set(False)
                response = self.get_response(request)
            if _wrote.get():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.NEWSROOM_REPLICA_PIN_SECONDS,
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
        finally:
            for var, token in zip((_reads_replica, _wrote, _replica_failed), tokens):
                var.reset(token)
        return response

    def may_read_replica(self, request: HttpRequest) -> bool:
        """A reader's request: safe method, not the admin, no recent write by this browser."""
        return (
            request.method in SAFE_METHODS
            and not request.path_info.startswith(self.primary_prefixes)
            and PIN_COOKIE not in request.COOKIES
        )

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if _reads_replica.get() and isinstance(exception, DatabaseError):
            _replica_failed.set(True)


class QueryCountHeaderMiddleware:
    """Diagnostics (NEWSROOM_QUERY_COUNT_HEADER=1): `X-Newsroom-Queries: default=2, replica=5`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counts: Counter[str] = Counter()

        def counter(alias: str):
            def wrapper(execute, sql, params, many, context):
                counts[alias] += 1
                return execute(sql, params, many, context)

            return wrapper

        with contextlib.ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
            response = self.get_response(request)
        response["X-Newsroom-Queries"] = ", ".join(
            f"{alias}={counts[alias]}" for alias in connections
        )
        return response
