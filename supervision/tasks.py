"""Background work of supervision, run by the worker (ops/worker.py) and enqueued
by the scheduler (supervision/scheduler.py) or on demand."""

from __future__ import annotations

import logging

from django_tasks import task

from sites.models import GovSite

from . import services
from .availability import availability_probe

logger = logging.getLogger(__name__)


@task()
def warnings_refresh_task(site_ids: list[int] | None = None) -> int:
    """Recompute the stored warnings (every site, or ``site_ids``)."""
    return len(services.warnings_refresh(site_ids=site_ids))


@task()
def warnings_mail_task() -> int:
    """The daily mail: refresh, then one task per site that has warnings."""
    services.warnings_refresh()
    site_ids = services.sites_with_warnings()
    for site_id in site_ids:
        warnings_mail_site_task.enqueue(site_id)
    return len(site_ids)


@task()
def warnings_mail_site_task(site_id: int) -> int:
    return services.warnings_mail(site_id=site_id)


@task()
def links_check_task(site_id: int) -> int:
    """Check one site's links (on demand, or from ``links_check_all_task``)."""
    site = GovSite.objects.filter(pk=site_id).first()
    if site is None:
        return 0
    return services.links_check(site=site).broken


@task()
def links_check_all_task() -> int:
    """The scheduled run: one task per active site, so sites check in parallel
    on several workers and one slow site holds up no other."""
    site_ids = services.active_site_ids()
    for site_id in site_ids:
        links_check_task.enqueue(site_id)
    return len(site_ids)


@task()
def availability_probe_task(site_id: int) -> bool:
    site = GovSite.objects.filter(pk=site_id).first()
    if site is None:
        return False
    return availability_probe(site=site).available


@task()
def availability_probe_all_task() -> int:
    """The scheduled probe: one task per active site."""
    site_ids = services.active_site_ids()
    for site_id in site_ids:
        availability_probe_task.enqueue(site_id)
    return len(site_ids)
