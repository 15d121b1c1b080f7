"""Prometheus metrics at ``/metrics``: the request counters of ``ops/metrics.py``
and, read at each scrape, the task queue's ready tasks and supervision's stored
warnings by level.

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty
directory, cleared before the server starts; ``serve_platform`` makes one) every
worker writes its counters there and a scrape adds them up
(``prometheus_client.multiprocess``); gunicorn's ``child_exit`` marks a dead
worker's files (config/gunicorn_conf.py).

Protected: answered only with ``Authorization: Bearer <METRICS_TOKEN>`` or to an
address in ``METRICS_ALLOWED_NETWORKS``; with neither set the endpoint is a 404."""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from supervision.selectors import warning_counts_by_level

from .metrics import DURATION, REQUESTS


class PlatformCollector:
    """Figures read from the database at scrape time (one small query each)."""

    def collect(self):
        ready = GaugeMetricFamily(
            "govplatform_tasks_ready", "Tasks waiting on the durable queue"
        )
        ready.add_metric(
            [], DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        )
        yield ready
        warnings = GaugeMetricFamily(
            "govplatform_supervision_warnings",
            "Stored supervision warnings by level",
            labels=["level"],
        )
        for level, count in warning_counts_by_level().items():
            warnings.add_metric([level], count)
        yield warnings


def _allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", [])
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


@never_cache
def metrics(request):
    if not _allowed(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(DURATION)
    registry.register(PlatformCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
