"""Settings for newsroom, read from the environment.

With nothing set, the site runs for development on SQLite in the project folder.
Every variable is listed with its default in `.env.example`.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

# "production" turns on HTTPS-only cookies, HSTS and the redirect to HTTPS, and insists on a
# real secret key; see the Security section below.
ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # Only good for development on one's own machine; production must set it.
    default="django-insecure-development-key-do-not-use-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "newsroom.apps.DeskAdminConfig",  # django.contrib.admin, home page a dashboard (newsroom/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",  # its API docs page then uses the Swagger UI files it ships, not a CDN
    "taggit",
    "simple_history",
    "django_prose_editor",
    "axes",
    "csp",
    "newsroom",  # backup and restore (newsroom/backup.py)
    "articles",
    "articles.proofing",  # 校对 (issue #15): word lists, hits, waivers, the gate before 终审
    "articles.contributors",  # issue #19: contributors, credits (bylines as data), 稿费 and the monthly statement
    "articles.planning",  # 选题/派题 (issue #14): story plans, the 稿单, the planning calendar
    "issues",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 405 for TRACE and every other method the site does not answer (newsroom/middleware.py).
    "newsroom.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML, feeds and sitemaps gzipped on the way out; outside the page cache, which stores them
    # uncompressed under keys that need no Accept-Encoding (newsroom/middleware.py).
    "newsroom.middleware.TextGZipMiddleware",
    # Before anything reads the database: decides whether this request may read the replica.
    "newsroom.routers.ReplicaRoutingMiddleware",
    # Stored public pages are answered here, before sessions, CSRF and auth (newsroom/cache.py).
    "newsroom.cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each article revision.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSPMiddleware: gives the admin's form media the nonce (newsroom/middleware.py).
    "newsroom.middleware.DeskContentSecurityMiddleware",
    # Turns an unreachable database into a 503 page for readers instead of a 500.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    # The reader's pages, in Jinja2 (newsroom/jinja.py): first, as they are the ones served most.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "reader"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "newsroom.context_processors.site",
            ],
        },
    },
    # The desk's: Django's admin and the screens built on it.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached public pages must be dropped in every worker at once when a story changes, so the
# default store is one all workers on the machine share: files (no server, no query; see
# newsroom/cache.py and bench/RESULTS.md). CACHE_URL=redis://… once there are several app
# servers: invalidation on one then reaches all of them.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}"),
}
FILE_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
if FILE_CACHE:
    # The same store, without a listing of its folder on every write (newsroom/file_cache.py).
    CACHES["default"]["BACKEND"] = "newsroom.file_cache.FileCache"
    # Django's default of 300 entries would keep culling a paper's worth of pages.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same store, without a new client for every lookup (newsroom/redis_cache.py).
    CACHES["default"]["BACKEND"] = "newsroom.redis_cache.RedisCache"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("DJANGO_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# `manage.py backup` writes its archives here (see docs/admin/backups.md).
NEWSROOM_BACKUP_DIR = env.path("NEWSROOM_BACKUP_DIR", default=BASE_DIR / "backups")

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads past this size are refused by the form, not streamed to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "admin:login"

TAGGIT_CASE_INSENSITIVE = True

# The paper's own name and the default dateline, shown on every page.
NEWSROOM = {
    "PAPER_NAME": env.str("NEWSROOM_PAPER_NAME", default="金坛时报"),
    "PUBLISHER": env.str("NEWSROOM_PUBLISHER", default="金坛区融媒体中心"),
    # Photos and page images larger than this are refused with a reason. 100 megapixels takes
    # the largest cameras a county desk meets (a 61-megapixel full-frame original is common).
    "MAX_IMAGE_BYTES": env.int("NEWSROOM_MAX_IMAGE_BYTES", default=60 * 1024 * 1024),
    "MAX_IMAGE_PIXELS": env.int("NEWSROOM_MAX_IMAGE_PIXELS", default=100_000_000),
    # An accepted original longer than this on its long side is scaled down to it on upload: the
    # kept master, from which every rendition is made.
    "IMAGE_MASTER_LONG_SIDE": env.int("NEWSROOM_IMAGE_MASTER_LONG_SIDE", default=6000),
    # Most new photos one save of an article form may carry.
    "MAX_PHOTOS_PER_SAVE": env.int("NEWSROOM_MAX_PHOTOS_PER_SAVE", default=20),
    # The home page: the e-paper's front page (the default), or the news front (滚动新闻, articles:news),
    # which then moves the e-paper front to /today/.
    "NEWS_FRONT_HOME": env.bool("NEWSROOM_NEWS_FRONT_HOME", default=False),
    # Whether reporters see each other's drafts (and sent-back articles) in the admin.
    "REPORTERS_SEE_ALL_DRAFTS": env.bool("NEWSROOM_REPORTERS_SEE_ALL_DRAFTS", default=False),
    # 三审 is three different people; a small desk may let one editor take 初审 and 二审 (articles/workflow.py).
    "SAME_EDITOR_FIRST_AND_SECOND_REVIEW": env.bool("NEWSROOM_SAME_EDITOR_FIRST_AND_SECOND_REVIEW", default=False),
    # The most tags one story may carry: a longer list is refused with a message.
    "MAX_TAGS_PER_ARTICLE": env.int("NEWSROOM_MAX_TAGS_PER_ARTICLE", default=30),
    # A page whose placed 字数 is more than this many percent over (or under) its capacity is
    # marked on the assembly screen; over it, the page holds the release (issues.fit).
    "PAGE_FIT_MARGIN": env.int("NEWSROOM_PAGE_FIT_MARGIN", default=10),
    # Page and whole-issue print PDFs larger than this are refused with a reason.
    "MAX_PDF_BYTES": env.int("NEWSROOM_MAX_PDF_BYTES", default=200 * 1024 * 1024),
    # Whole public pages in the shared cache (newsroom/cache.py).
    "PUBLIC_CACHE": {
        "ENABLED": env.bool("NEWSROOM_CACHE_PUBLIC", default=True),
        "ALIAS": "default",
        "TIMEOUT": env.int("NEWSROOM_CACHE_TIMEOUT", default=24 * 3600),
        # Each story's part of a page, kept by the story so a page rendered again takes the
        # stories that did not change from the store (newsroom/fragments.py); on even when
        # whole pages are not cached. Off by default with the file cache: a file per part
        # would fill its MAX_ENTRIES and have it cull pages and tag tokens at random.
        "FRAGMENTS": env.bool("NEWSROOM_CACHE_FRAGMENTS", default=not FILE_CACHE),
        # With database replicas: at least their allowed lag, so a page rendered from a lagging
        # replica right after a change is kept no longer than that.
        "SETTLE_SECONDS": env.int("NEWSROOM_CACHE_SETTLE_SECONDS", default=0),
        # On a miss one request renders; the others get the previous copy or wait up to this
        # long for it (a lock older than RENDER_LOCK_SECONDS is a render that died, and is broken).
        "RENDER_LOCK_SECONDS": 30,
        "RENDER_WAIT_SECONDS": 10,
        # Saving or deleting a model of these apps drops what newsroom/invalidation.py maps it to.
        "APPS": ["articles", "issues", "taggit", "contributors"],
    },
    # A bare view at /bench/floor/ for bench/run's framework floor; never on in production.
    "BENCH_FLOOR": env.bool("NEWSROOM_BENCH_FLOOR", default=False),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# === Deployment: databases, cache, sessions, media storage ====================================
# One build runs on a laptop (SQLite, a file cache, files on disk) and on several app servers
# (PostgreSQL with a pool and a read replica, Redis, an S3-compatible object store), chosen by
# the environment alone. docs/deploy.md explains each choice; .env.example lists every variable.

# Persistent connections (CONN_MAX_AGE) or psycopg's pool: Django refuses both at once.
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)


def _database(url_variable: str, default: str | None = None, *, connect_timeout: int) -> dict:
    """One DATABASES entry from a URL, with the connection handling every alias shares."""
    config = env.db_url(url_variable, default=default)
    config["ATOMIC_REQUESTS"] = False
    config["CONN_HEALTH_CHECKS"] = True
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while an editor saves; the timeout waits out a writer's lock.
        options.update(
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            transaction_mode="IMMEDIATE",
            timeout=20,
        )
        # Kept open as on PostgreSQL: a new connection reads the whole schema before its first
        # query (0.9 ms of CPU) and starts with an empty page cache, on every uncached page.
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A server that does not answer is given up on quickly, so the replica's fallback is fast.
        options.setdefault("connect_timeout", connect_timeout)
        if DATABASE_POOL:
            config["CONN_MAX_AGE"] = 0
            options["pool"] = {
                "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
                "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
                # How long a request waits for a free connection before it fails.
                "timeout": connect_timeout,
            }
    return config


DATABASES = {
    "default": _database(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", connect_timeout=10
    ),
}
if env.str("DATABASE_REPLICA_URL", default=""):
    # A streaming replica of "default": readers' pages read here (newsroom/routers.py).
    DATABASES["replica"] = _database(
        "DATABASE_REPLICA_URL",
        connect_timeout=env.int("NEWSROOM_REPLICA_CONNECT_TIMEOUT", default=2),
    )
    # In tests the replica is the primary's test database, as it would be after replication.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["newsroom.routers.PrimaryReplicaRouter"]
# After a write, the writer's next requests read the primary for this long (replication lag).
NEWSROOM_REPLICA_PIN_SECONDS = env.int("NEWSROOM_REPLICA_PIN_SECONDS", default=10)
# A replica further behind than this (or not streaming) is treated as down: readers must not
# keep seeing a story the desk has withdrawn.
NEWSROOM_REPLICA_MAX_LAG = env.float("NEWSROOM_REPLICA_MAX_LAG", default=10)
# After the replica failed to answer, each app process uses the primary alone for this long.
NEWSROOM_REPLICA_RETRY_SECONDS = env.int("NEWSROOM_REPLICA_RETRY_SECONDS", default=30)
if "replica" in DATABASES and not env.str("NEWSROOM_CACHE_SETTLE_SECONDS", default=""):
    # A page rendered from a lagging replica right after a change is kept no longer than the lag.
    NEWSROOM["PUBLIC_CACHE"]["SETTLE_SECONDS"] = int(NEWSROOM_REPLICA_MAX_LAG) + 1
# Diagnostics: an X-Newsroom-Queries header with the queries run per database alias.
NEWSROOM_QUERY_COUNT_HEADER = env.bool("NEWSROOM_QUERY_COUNT_HEADER", default=False)
if NEWSROOM_QUERY_COUNT_HEADER:
    MIDDLEWARE.insert(0, "newsroom.routers.QueryCountHeaderMiddleware")

# "cached_db" in production: reads from the shared cache, and sessions survive a Redis restart
# or eviction because they are written to the database too. Short names or dotted paths.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "signed_cookies": "django.contrib.sessions.backends.signed_cookies",
}
_session_engine = env.str("DJANGO_SESSION_ENGINE", default="db")
SESSION_ENGINE = _SESSION_ENGINES.get(_session_engine, _session_engine)

# Media: files on disk, or a private bucket in an S3-compatible object store (newsroom/storage.py).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "newsroom.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            # Empty for Amazon S3 itself; the store's address for any other (OSS, COS, SeaweedFS…).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "virtual" (bucket.host) for Alibaba OSS and Tencent COS; "path" for SeaweedFS, MinIO.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            # Signed links the checked media view hands out live this many seconds.
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
        },
    }
# Filesystem media only: how the checked media view hands a file to nginx (X-Accel-Redirect to an
# `internal` location) instead of streaming it through Python. Empty: Django streams the file.

# --- Security ------------------------------------------------------------------------------
# Everything here is driven by environment variables; `DJANGO_ENV=production` sets the safe
# values for a site served over HTTPS behind a proxy, and `manage.py check --deploy` is clean
# with them (tests/test_security_settings.py runs it).

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV=production.")
    if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a random value of 50 characters or more in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

# HTTPS: cookies only over HTTPS, plain HTTP redirected, browsers told to stay on HTTPS.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
# Behind nginx (docs/deploy.md): trust the headers it sets, and only then.
NEWSROOM_BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=PRODUCTION)
if NEWSROOM_BEHIND_PROXY:
    # nginx terminates TLS and says so in this header; only trust it behind such a proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=12 * 60 * 60)  # one night shift
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only this site's own files run or style the page.
# The one inline script anywhere is the rich-text editor's import map in the admin, which
# carries the per-request nonce; the admin alone also allows inline styles
# (newsroom.middleware.DeskContentSecurityMiddleware, checked in Chromium by tests/browser/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for AXES_COOLOFF_TIME hours. Unlock early with
# `manage.py axes_reset_username <name>` (or `axes_reset` for everyone).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind nginx the client's address is the one nginx added to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "newsroom.auth.client_ip"

# Media of unpublished pages and photos is served only through newsroom.media.serve_media,
# which checks the publication rule, then hands the file to nginx's internal location with
# X-Accel-Redirect when this is set (e.g. /protected-media/), or streams it itself.
NEWSROOM_MEDIA_ACCEL_PREFIX = env.str("NEWSROOM_MEDIA_ACCEL_PREFIX", default="")
