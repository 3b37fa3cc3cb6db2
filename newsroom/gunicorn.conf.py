"""gunicorn settings: ``gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi``.

The production server is granian (``bin/serve``, ``deploy/granian.env``), which measured faster
(bench/RESULTS.md); this file is the well-known alternative, and what the test of cache
invalidation across two real worker processes runs. Every value can be changed from the
environment; the defaults suit a small server with the site behind a reverse proxy.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Rendering a page is CPU work and the database answers in a millisecond or two, so a worker
# per core plus one keeps the cores busy without paying for idle processes (bench/RESULTS.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# Load Django once in the master: workers start fast and share its memory copy-on-write.
preload_app = True
# A worker is replaced after this many requests (with jitter, so not all at once): memory
# that creeps up in a long-lived process is given back, keeping each under its budget.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind a reverse proxy on this machine; the proxy sets X-Forwarded-For/Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
