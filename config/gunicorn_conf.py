"""gunicorn settings, read from the environment like everything else."""

import logging
import os

from prometheus_client import multiprocess

from core.privacy import install_log_filter

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# gunicorn's gthread worker, answering an over-long address in Chinese.
worker_class = "ops.gunicorn_worker.PlatformThreadWorker"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))

# A search for a long pasted text must reach Django, which cuts the query and says
# so, instead of gunicorn's bare "414 Request-URI Too Long" (4094 bytes by
# default: about 450 Chinese characters, nine bytes each once percent-encoded).
# 8190 is the largest bounded value gunicorn takes (about 900 characters); the
# header limit follows, so a Referer holding such an address passes too.
# Longer still gets a short Chinese page asking to shorten the search terms
# (ops/gunicorn_worker.py), not gunicorn's English one.
limit_request_line = int(os.environ.get("WEB_LIMIT_REQUEST_LINE", "8190"))
limit_request_field_size = 2 * limit_request_line

# The request log is written by the application (one JSON line per request).
accesslog = None
# If an access log is turned on (--access-logfile), its lines carry the path
# without the query string, and no Referer (it holds the previous address's).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"


def _protect_logs():
    """gunicorn's own log lines (an invalid request line, a failed request) quote
    the address with its query string: they pass the same privacy filter as the
    application's (core/privacy.py)."""
    install_log_filter(
        logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access")
    )


def on_starting(server):
    _protect_logs()


def on_reload(server):
    _protect_logs()


def post_fork(server, worker):
    _protect_logs()


def child_exit(server, worker):
    # Metrics of several workers (ops/metrics_view.py): a dead worker's live gauges go.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
