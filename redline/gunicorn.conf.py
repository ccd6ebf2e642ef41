"""gunicorn's settings for `make serve` and deploy/systemd/redline-web.service, from the environment.

Workers: WEB_WORKERS (default 2 × cores + 1). Timeout: WEB_TIMEOUT seconds (default 30) — no request is
meant to come near it: imports and large exports run as background jobs (core.background) and a page
only polls their progress. Bind: WEB_BIND, or HOST:PORT.
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = timeout
# Slow clients (uploads from a town office's line) are held by the reverse proxy, not by a worker.
keepalive = 5
max_requests = int(os.environ.get("WEB_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("WEB_ACCESS_LOG") or "-"
errorlog = "-"
pidfile = os.environ.get("WEB_PIDFILE") or None
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Load the search dictionary once, in the master: the workers it forks inherit it, instead of each
    loading it (seconds of CPU apiece) as it starts (core.textsearch)."""
    from core.textsearch import load_dictionary

    load_dictionary()
