"""Rendered parts of public pages, kept apart from the pages: a story's part as a page prints it.

A page of the paper is rendered again whenever anything on it changes, and every page is when a
new generation starts (an issue goes out); most of the stories on it did not change. Each story's
part is stored here under the story's own tag (``article:<id>``, which ``newsroom.invalidation``
drops on any change to the story, its photos, its 更正 notes, its tags or its credits) and a name
that says everything else it depends on (the language, where the part starts and ends, the pages
its jump lines link to, the templates that drew it), so a page rendered again takes the parts of
the stories that did not change from the store.

What decides *whether* a story shows is never stored: the page's own query
(``Placement.objects.published()``) picks the stories every time, so a withdrawn story is gone
from the next render whatever is stored; a fragment only holds how a story that shows looks.
The one exception is an issue's reading order (a story page's 上一篇/下一篇, articles.views),
stored under ``issue:<id>``, which any public change to one of the issue's stories drops (as it
drops the issue's other stored part, its pages' sidebar).
``newsroom.cache.invalidate()`` (bulk writes that send no signals, renamed renditions, a released
issue changed) drops every fragment too; the clock's switch to a new issue does not, as it
changes no story.

``NEWSROOM_CACHE_FRAGMENTS=false`` turns fragments off (every part is rendered each time).
"""

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from newsroom.cache import TAG_KEY, cache_settings, new_token, page_store, tag_tokens

# The token every fragment key includes; a new one drops every fragment at once.
NAMESPACE_KEY = "newsroom:public:fragments"
FRAGMENT_KEY = "newsroom:public:fragment:"


def enabled() -> bool:
    return cache_settings().get("FRAGMENTS", True)


def drop_all() -> None:
    """Forget every stored fragment, in every worker: their keys name the old namespace."""
    page_store().set(NAMESPACE_KEY, (new_token(), time.time()), None)


def template_version(*names: str) -> str:
    """A digest of the templates a fragment is drawn with and of the translations.

    In every fragment's name, so a deploy that changes how a part looks never serves parts drawn
    the old way. Worked out once per process, or on every call with DEBUG on, where templates
    are edited while the server runs.
    """
    return _digest(names) if settings.DEBUG else _cached_digest(names)


def _digest(names: tuple[str, ...]) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for name in names:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    for directory in settings.LOCALE_PATHS:
        for catalog in sorted(directory.glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalog.read_bytes())
    return digest.hexdigest()[:12]


_cached_digest = lru_cache(maxsize=None)(_digest)


def cached_fragments(
    items: Sequence[tuple[str, str]], render: Callable[[list[int]], list[str]], *, started: float
) -> list[SafeString]:
    """The HTML of each ``(tag, name)``: the stored copy while ``tag`` is unchanged since it was
    stored, else what ``render(indexes)`` returns for the items at those indexes, stored for next time.

    ``started`` is when the request began reading rows: a part whose tag (or the namespace) was
    dropped after that may have been drawn from the old rows, so it is served but not stored.
    A part is stored under its name with the tokens it was drawn under, and served only while
    they are the current ones: one round trip to the store reads the tokens and the parts
    together, and a second stores what was drawn.
    """
    if not items:
        return []
    if not enabled():
        return [mark_safe(html) for html in render(list(range(len(items))))]
    store = page_store()
    tags = {tag for tag, _name in items}
    language = get_language() or ""
    keys = [
        FRAGMENT_KEY + hashlib.md5(f"{language}:{name}".encode(), usedforsecurity=False).hexdigest()
        for _tag, name in items
    ]
    found = store.get_many([NAMESPACE_KEY, *(TAG_KEY + tag for tag in tags), *keys])
    namespace = found.get(NAMESPACE_KEY)
    if not (isinstance(namespace, tuple) and len(namespace) == 2):
        # A cold store: nothing was dropped, so nothing drawn now is stale (as for a new tag).
        store.add(NAMESPACE_KEY, (new_token(), 0.0), None)
        namespace = store.get(NAMESPACE_KEY)
    tokens = {tag: found.get(TAG_KEY + tag) for tag in tags}
    missing = {tag for tag, value in tokens.items() if not isinstance(value, tuple)}
    if missing:
        tokens.update(tag_tokens(store, missing))
    html: list = []
    for (tag, _name), key in zip(items, keys, strict=True):
        stored = found.get(key)
        current = isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (namespace[0], tokens[tag][0])
        html.append(stored[2] if current else None)
    todo = [index for index, value in enumerate(html) if value is None]
    if todo:
        for index, value in zip(todo, render(todo), strict=True):
            html[index] = value
        keep = {
            keys[index]: (namespace[0], tokens[items[index][0]][0], str(html[index]))
            for index in todo
            if namespace[1] <= started and tokens[items[index][0]][1] <= started
        }
        if keep:
            store.set_many(keep, cache_settings()["TIMEOUT"])
    return [mark_safe(value) for value in html]
