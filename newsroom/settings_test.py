"""Test settings: the development settings, made faster. Nothing here changes behaviour."""

import os

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # collectstatic never runs in tests; WhiteNoise would warn about the missing folder

if "CACHE_URL" not in os.environ:
    # Each test process keeps its own cache: faster than files, and xdist workers stay apart.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Not the file cache any more: story parts are stored, as they are with Redis (newsroom/settings.py).
    NEWSROOM["PUBLIC_CACHE"]["FRAGMENTS"] = env.bool("NEWSROOM_CACHE_FRAGMENTS", default=True)  # noqa: F405
else:
    # A shared Redis: each xdist worker keeps to its own keys, as each has its own database.
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
