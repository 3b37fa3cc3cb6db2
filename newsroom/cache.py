"""Whole public responses, cached in the shared cache and dropped for every worker at once.

One decorator, :func:`cache_public`, is the hook for any public view::

    @cache_public
    def front_page(request): ...

    path("feed/", cache_public(LatestIssuesFeed()))      # callables and class-based views too
    urlpatterns = cache_public_urls([...])               # every view of a list of patterns

The decorator only marks the view; :class:`PublicCacheMiddleware` (in ``MIDDLEWARE`` right
after WhiteNoise) does the work. It answers a stored page before sessions, CSRF, auth and
messages run, so a cached page costs less than the bare framework, and it stores the response
as it leaves the inner middleware, with every header they added (Vary, Content-Language,
X-Frame-Options) and every cookie they set in sight.

How an entry stays true:

- **Tags for what a page shows, a generation for everything.** Each entry carries the tags of
  what it shows (``article:12``, ``page:34``, ``feeds``, ``search``: see
  ``newsroom.invalidation``, the one map from a change to the tags it drops) with the token each
  tag had when the page was rendered, and the site-wide generation token. A public change gives
  its tags new tokens (:func:`invalidate_tags`), so the pages that show it miss in every worker
  at once, and nothing else does; a change readers cannot see (a draft, a review step, history,
  an unreleased issue) drops nothing. :func:`invalidate` starts a new generation for changes
  the map cannot narrow down (an issue's released pages, bulk writes that send no signals).
- **One render per key, nobody waits for nothing.** On a miss one request takes a lock and
  renders; the others are answered the previous copy (``X-Newsroom-Cache: stale`` and an
  ``Age``) or, when there is none or it must not be shown (a withdrawn story, a new generation,
  a release), wait for that one render. Every answer says ``hit``, ``miss``, ``stale`` or
  ``wait`` in ``X-Newsroom-Cache``.
- **The clock is part of the rule.** The token is stored with the next scheduled release
  time. The first request at or after it starts a new generation, so a cached front page
  switches to the new issue exactly at its ``release_at``; entries also expire by then.
- **Only what is the same for every reader is stored.** Requests carrying a session cookie
  (staff, anyone logged in) neither read nor write entries. A response is stored only when it
  is a plain 200 that set no cookie, asked for no CSRF token, did not touch the session and
  was not marked private or no-cache by its view. The language (a cookie) is part of the key.
- **Returning readers get 304.** Stored responses carry an ETag (a hash of the bytes) and a
  Last-Modified, and ``Cache-Control: no-cache`` so browsers revalidate every time.

The store is ``CACHES["default"]``: a file-based cache by default, which every worker on the
machine shares (a per-process local-memory cache could not drop an entry in the other workers),
and Redis when ``CACHE_URL`` says so. ``NEWSROOM_CACHE_PUBLIC=false`` turns caching off.
"""

import hashlib
import os
import time
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from newsroom.middleware import reader_language

GENERATION_KEY = "newsroom:public:generation"
NO_RELEASE_SCHEDULED = 0.0


def cache_settings() -> dict:
    """NEWSROOM["PUBLIC_CACHE"]: the store's alias, timeouts, and whether story parts are stored."""
    return settings.NEWSROOM["PUBLIC_CACHE"]


def page_store() -> BaseCache:
    """The shared store of pages, tags and story parts (newsroom.fragments)."""
    return caches[cache_settings()["ALIAS"]]


def new_token() -> str:
    """A fresh token for a generation, a tag or the story parts' namespace."""
    return uuid.uuid4().hex[:16]


def invalidate(*, fragments: bool = True) -> tuple[str, float]:
    """Start a new generation: every worker's next lookup of every public page misses.

    The generation is stored together with the next scheduled release time, read from the
    database now, so a lookup needs one cache read to know both. Stored story parts
    (``newsroom.fragments``) go too, unless ``fragments=False``: the clock's switch to a new
    issue changes no story.
    """
    generation = _new_generation(timezone.now())
    store = page_store()
    store.set(GENERATION_KEY, generation, None)
    if fragments:
        from newsroom.fragments import drop_all  # fragments builds on this module

        drop_all()
    return generation


def _new_generation(now) -> tuple[str, float, float]:
    # Pages rendered until "settled" may come from a database replica that has not seen the
    # change yet: they are kept only until then (NEWSROOM_CACHE_SETTLE_SECONDS, 0 without replicas).
    settled = now.timestamp() + cache_settings().get("SETTLE_SECONDS", 0)
    return (new_token(), _scheduled_release(now), settled)


def invalidate_on_commit() -> None:
    """Invalidate once the transaction commits (at once outside one).

    Not before: until the commit every reader still sees the old rows, so the old page is right,
    and a page rendered from them in between would only be rendered again. A render that
    overlaps the commit is not stored (see PublicCacheMiddleware._render), and an entry stored
    under the old generation is never served after it. However many rows the transaction
    writes, that is one drop.
    """
    _on_commit(set(), {WHOLE_SITE})


WHOLE_SITE = "*"


class _Pending:
    """What one transaction drops after its commit: collected, so many rows make one drop."""

    def __init__(self) -> None:
        self.tags: set[str] = set()
        self.hard_tags: set[str] = set()

    def __call__(self) -> None:
        if WHOLE_SITE in self.tags | self.hard_tags:
            invalidate()
        else:
            _drop_tags(self.tags - self.hard_tags, self.hard_tags)


def _on_commit(soft: set[str], hard: set[str]) -> None:
    connection = transaction.get_connection()
    blocks = connection.atomic_blocks
    # Outside a transaction, or inside a test's own, which never commits: drop it now.
    if not blocks or blocks[0]._from_testcase:
        invalidate() if WHOLE_SITE in soft | hard else _drop_tags(soft - hard, hard)
        return
    # The callback this transaction registered already, if any; a rollback discards it, and
    # with it what it collected.
    pending = next((func for _sids, func, _robust in connection.run_on_commit if isinstance(func, _Pending)), None)
    if pending is None:
        pending = _Pending()
        transaction.on_commit(pending, robust=True)
    pending.tags.update(soft)
    pending.hard_tags.update(hard)


TAG_KEY = "newsroom:public:tag:"
CACHE_TAGS = "_newsroom_cache_tags"


def invalidate_tags(tags: set[str] | list[str], *, hard: bool = False) -> None:
    """Drop, in every worker, the pages that show any of these tags (see newsroom.invalidation).

    A ``hard`` drop (a withdrawal, a story's own changed text) also forbids serving the previous
    copy while the page renders again: readers wait for the one render instead.
    """
    tags = set(tags)
    if hard:
        _drop_tags(set(), tags)
    else:
        _drop_tags(tags, set())


def _drop_tags(soft: set[str], hard: set[str]) -> None:
    """One write for all of them: a page showing a soft and a hard tag, rendered between two
    writes, would carry the second tag's old token and be rendered again (two renders for one
    change, seen in bench/run's mixed day)."""
    if soft or hard:
        token, now = new_token(), time.time()
        dropped = {TAG_KEY + tag: (token, now, False) for tag in soft}
        dropped.update({TAG_KEY + tag: (token, now, True) for tag in hard})
        page_store().set_many(dropped, None)


def invalidate_tags_on_commit(tags: set[str], *, hard: set[str] = frozenset()) -> None:
    """Drop the tags once the transaction commits (see invalidate_on_commit for why not before),
    those also in ``hard`` hard, all in one write."""
    if tags:
        _on_commit(tags - hard, tags & hard)


def cache_tag(request: HttpRequest, *tags: str) -> None:
    """Say that the page being rendered shows these things too (a page's stories, a story's neighbours)."""
    getattr(request, CACHE_TAGS, set()).update(tags)


def tag_tokens(store: BaseCache, tags: set[str]) -> dict[str, tuple]:
    """Every tag's current (token, bumped at, hard); a tag nobody dropped yet gets a token now."""
    keys = [TAG_KEY + tag for tag in tags]
    found = store.get_many(keys)
    missing = [key for key in keys if not isinstance(found.get(key), tuple)]
    for key in missing:
        store.add(key, (new_token(), 0.0, False), None)
    if missing:
        found.update(store.get_many(missing))
    return {key.removeprefix(TAG_KEY): found.get(key) for key in keys}


# Functions that say when the next scheduled release is due (a datetime after ``now``, or None).
# The apps that schedule releases register them in ready(), so this module imports none of them.
_release_schedules: list[Callable] = []


def register_release_schedule(next_release: Callable) -> None:
    """Tell the cache where to ask for the next release time (the issues app registers its issues)."""
    if next_release not in _release_schedules:
        _release_schedules.append(next_release)


def _scheduled_release(now) -> float:
    """When the next release is due, as a timestamp, or NO_RELEASE_SCHEDULED."""
    # Only the clock releases something without a save (a save starts a new generation by
    # itself), so only releases that lie ahead can change what readers see.
    due = [at for at in (next_release(now) for next_release in _release_schedules) if at is not None]
    return min(due).timestamp() if due else NO_RELEASE_SCHEDULED


def _is_current(generation, now) -> bool:
    # Anything else under the key (a value from an older release of this code) is not current.
    if not (isinstance(generation, tuple) and len(generation) == 3):
        return False
    return generation[1] == NO_RELEASE_SCHEDULED or now.timestamp() < generation[1]


def current_generation(store: BaseCache | None = None, now=None, generation=None) -> tuple[str, float, float]:
    """The generation token pages are stored under now, the release time it lasts until, and when it settles."""
    store = store or page_store()
    now = now or timezone.now()
    if not _is_current(generation, now):
        generation = store.get(GENERATION_KEY)
    if not _is_current(generation, now):
        # Cold cache, or an issue went out since this generation began: what readers see changed.
        generation = _next_generation(store, generation, now)
    return generation


def _successor_claim(outdated) -> str:
    previous = outdated[0] if isinstance(outdated, tuple) and len(outdated) == 3 else "cold"
    return f"{GENERATION_KEY}:after:{previous}"


# Long enough for the claimant's read and write; a claim left by a worker killed between them
# lapses after this, and the next reader claims it.
SUCCESSION_SECONDS = 5


def _next_generation(store: BaseCache, outdated, now) -> tuple[str, float, float]:
    """Start the generation after ``outdated`` (None: the cache is cold) once, for every worker.

    Readers that find the generation cold, or outrun by a release, at the same moment would
    each start one, and each would make the others' renders worthless: the render lock would
    then save nothing. The first to claim the succession starts it; the others take it up.
    """
    claim = _successor_claim(outdated)
    deadline = time.monotonic() + 2 * SUCCESSION_SECONDS
    while True:
        if _claim(store, claim, SUCCESSION_SECONDS):
            try:
                found = store.get(GENERATION_KEY)
                if _is_current(found, now):
                    return found  # started meanwhile: by the claimant before us, a release or a save
                generation = _new_generation(now)
                store.set(GENERATION_KEY, generation, None)
                return generation
            finally:
                _unclaim(store, claim)
        found = store.get(GENERATION_KEY)
        if _is_current(found, now):
            return found
        if time.monotonic() > deadline:
            return invalidate(fragments=False)  # the store refuses every claim: go on without one
        time.sleep(0.005)


def _page_key(request: HttpRequest) -> str:
    url = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
    # The language middleware has not run yet: the key takes the language it will choose.
    return f"newsroom:public:page:{reader_language(request)}:{url}"


def _request_is_cacheable(request: HttpRequest) -> bool:
    # A session cookie means staff or someone signed in: their pages may differ, so they
    # neither get stored pages nor store theirs for others. No query is needed to tell.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and cache_settings()["ENABLED"]
    )


def _response_is_storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "").lower()
    session = getattr(request, "session", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page embeds a CSRF token (and the middleware will set its cookie): per reader.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.accessed)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _add_validators(response: HttpResponse, modified: float) -> None:
    digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
    response["ETag"] = f'"{digest}"'
    response["Last-Modified"] = http_date(modified)
    # Stored, but checked with the server every time: a release or a withdrawal shows at once.
    patch_cache_control(response, no_cache=True)


# A stored entry: (generation token, deadline, {tag: token}, rendered at, status, headers, content).
ENTRY_LENGTH = 7
FRESH, STALE, GONE = "fresh", "stale", "gone"


def _response_from(entry: tuple) -> HttpResponse:
    *_rest, status, headers, content = entry
    return HttpResponse(content, status=status, headers=headers)


def _entry_state(store: BaseCache, entry, token: str, now: float) -> str:
    """FRESH to serve; STALE may stand in while the page renders again; GONE must never be shown."""
    if not (isinstance(entry, tuple) and len(entry) == ENTRY_LENGTH):
        return GONE
    entry_token, deadline, tags = entry[:3]
    # The entry's own deadline, checked here too: the store's expiry runs on its own clock.
    if entry_token != token or now >= deadline:
        return GONE  # a new generation or a release: what the whole site shows changed
    if not tags:
        return FRESH
    current = store.get_many([TAG_KEY + tag for tag in tags])
    state = FRESH
    for tag, rendered_under in tags.items():
        value = current.get(TAG_KEY + tag)
        if not isinstance(value, tuple) or value[0] != rendered_under:
            if isinstance(value, tuple) and value[2]:
                return GONE  # a withdrawal: never shown again, not even while the page renders
            state = STALE
    return state


def _lock_path(store: FileBasedCache, name: str) -> str:
    return os.path.join(store._dir, hashlib.md5(name.encode(), usedforsecurity=False).hexdigest() + ".lock")


def _claim(store: BaseCache, name: str, seconds: int) -> bool:
    """Claim ``name`` for ``seconds``; False when another request (in any worker) holds it."""
    if isinstance(store, FileBasedCache):
        # FileBasedCache.add() is a check then a write: two workers could both win. Creating a
        # file exclusively is atomic; a claim left by a killed worker is broken after its time.
        path = _lock_path(store, name)
        try:
            if time.time() - os.path.getmtime(path) > seconds:
                os.unlink(path)
        except OSError:
            pass
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            return False
        except OSError:
            return True  # no claim to be had (a read-only directory): go on, as before claims
    return store.add(name, 1, seconds)


def _unclaim(store: BaseCache, name: str) -> None:
    if isinstance(store, FileBasedCache):
        try:
            os.unlink(_lock_path(store, name))
        except OSError:
            pass
    else:
        store.delete(name)


def _held(store: BaseCache, name: str) -> bool:
    if isinstance(store, FileBasedCache):
        return os.path.exists(_lock_path(store, name))
    return store.get(name) is not None


def _render_lock(key: str) -> str:
    return key + ":lock"


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=_parse_last_modified(response),
        response=response,
    )


def _parse_last_modified(response: HttpResponse) -> int | None:
    return parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None


MARK = "_newsroom_cache_public"


def cache_public(view: Callable) -> Callable:
    """Let PublicCacheMiddleware store this view's answers; see the module docstring for the rule."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        setattr(request, MARK, True)
        return view(request, *args, **kwargs)

    cached_view.cache_public = True
    return cached_view


def _view_is_public(request: HttpRequest) -> bool:
    """Whether the URL leads to a cache_public view: only those render under a claim."""
    try:
        return getattr(resolve(request.path_info), "func", None).cache_public
    except (Resolver404, AttributeError):
        return False


def cache_public_urls(patterns: list) -> list:
    """Mark the view of every pattern in this list (and in lists it includes) with cache_public."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            cache_public_urls(pattern.url_patterns)
        else:
            pattern.callback = cache_public(pattern.callback)
    return patterns


CACHE_HEADER = "X-Newsroom-Cache"


class PublicCacheMiddleware:
    """Answer stored public pages early; store what views marked with cache_public return."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _request_is_cacheable(request):
            return self.get_response(request)
        store = page_store()
        now = timezone.now()
        key = _page_key(request)
        # One round trip (one MGET on Redis): the generation and this page's entry; a second
        # for the tags of the entry's page.
        found = store.get_many([GENERATION_KEY, key])
        generation = current_generation(store, now, found.get(GENERATION_KEY))
        entry = found.get(key)
        state = _entry_state(store, entry, generation[0], now.timestamp())
        if state == FRESH:
            return self._answer(request, _response_from(entry), "hit")
        if not _view_is_public(request):
            return self.get_response(request)  # nothing it answers is stored: no claim to make
        if _claim(store, _render_lock(key), cache_settings()["RENDER_LOCK_SECONDS"]):
            try:
                # Another render may have stored its copy and let go of the claim between our
                # read and our claim: that copy is the one render this change gets.
                entry = store.get(key)
                if _entry_state(store, entry, generation[0], now.timestamp()) == FRESH:
                    return self._answer(request, _response_from(entry), "hit")
                response, overlapped = self._render(request, store, key, generation, now)
                if overlapped:
                    # A change landed while it rendered: this copy may show the old rows, and
                    # the readers waiting for it would each render their own. Render once more
                    # under the same claim; they go on waiting for this one.
                    response, _overlapped = self._render(request, store, key, current_generation(store), timezone.now())
                return response
            finally:
                _unclaim(store, _render_lock(key))
        if state == STALE:
            response = _response_from(entry)
            response["Age"] = str(max(0, int(now.timestamp() - entry[3])))
            return self._answer(request, response, "stale")
        return self._wait(request, store, key)

    def _answer(self, request: HttpRequest, response: HttpResponse, how: str) -> HttpResponse:
        response[CACHE_HEADER] = how
        return _conditional(request, response)

    def _wait(self, request: HttpRequest, store: BaseCache, key: str) -> HttpResponse:
        """Another request renders this page: wait for its copy rather than render it again."""
        deadline = time.monotonic() + cache_settings()["RENDER_WAIT_SECONDS"]
        while time.monotonic() < deadline:
            time.sleep(0.01)
            now = timezone.now()
            found = store.get_many([GENERATION_KEY, key])
            generation = current_generation(store, now, found.get(GENERATION_KEY))
            entry = found.get(key)
            if _entry_state(store, entry, generation[0], now.timestamp()) == FRESH:
                return self._answer(request, _response_from(entry), "wait")
            if not _held(store, _render_lock(key)):
                # Released since the read above: its copy may have been stored in between.
                entry = store.get(key)
                if _entry_state(store, entry, generation[0], time.time()) == FRESH:
                    return self._answer(request, _response_from(entry), "wait")
                break  # that render stored nothing (not a storable answer): make our own
        # Not taking the lock here: the renderer may still store its copy, and ours is as good.
        return self._render(request, store, key, current_generation(store), timezone.now())[0]

    def _render(
        self, request: HttpRequest, store: BaseCache, key: str, generation: tuple, now
    ) -> tuple[HttpResponse, bool]:
        """The view's answer, stored when it may be; and whether a change overlapped the render."""
        token, next_release, settled = generation
        started = time.time()
        setattr(request, CACHE_TAGS, set())
        response = self.get_response(request)
        if not (getattr(request, MARK, False) and _response_is_storable(request, response)):
            response[CACHE_HEADER] = "miss"
            return response, False
        from newsroom.invalidation import page_tags  # the map imports this module

        tags = tag_tokens(store, page_tags(request) | getattr(request, CACHE_TAGS))
        _add_validators(response, time.time())
        response[CACHE_HEADER] = "miss"
        # A tag dropped while this page was rendering: the page may show the old rows. Serve
        # it this once, store it not.
        if any(value[1] > started for value in tags.values()):
            return _conditional(request, response), True
        timeout = cache_settings()["TIMEOUT"]
        if next_release != NO_RELEASE_SCHEDULED:
            # Never outlive the next release, whatever happens to the generation key.
            timeout = max(1, min(timeout, int(next_release - now.timestamp())))
        # Pages rendered right after a change may come from a lagging replica: kept only until
        # it settled, whether the change started a generation or dropped a tag.
        settle = cache_settings().get("SETTLE_SECONDS", 0)
        settled = max([settled] + [value[1] + settle for value in tags.values() if settle])
        if now.timestamp() < settled:
            timeout = max(1, min(timeout, int(settled - now.timestamp()) + 1))
        headers = {name: value for name, value in response.headers.items() if name != CACHE_HEADER}
        # Stored under the page's own key: a newer render overwrites it instead of piling up.
        store.set(
            key,
            (token, now.timestamp() + timeout, {tag: value[0] for tag, value in tags.items()}, started,
             response.status_code, headers, response.content),
            timeout,
        )
        return _conditional(request, response), False
