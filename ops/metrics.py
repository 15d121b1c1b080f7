"""Prometheus counters of the platform's requests, written by every process
(``ops/middleware.py``); ``ops/metrics_view.py`` serves them at ``/metrics``.

Nothing of Django's models here: the request log's middleware (imported while
logging is configured, before the apps are ready) imports this module."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "govplatform_requests_total",
    "HTTP requests answered, by method and status class",
    ["method", "status"],
)
DURATION = Histogram(
    "govplatform_request_duration_seconds",
    "Time to answer a request",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe(method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(
        method=method if method in METHODS else "other", status=f"{status // 100}xx"
    ).inc()
    DURATION.observe(seconds)
