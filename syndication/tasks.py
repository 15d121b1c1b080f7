"""Syndication's background work on the durable task queue (django-tasks with the
database backend): fanning an item out to its targets, writing the targets'
pages again once it is withdrawn. Each task
reads the current state from the database and writes idempotently, so running
one twice, or late, leaves the same rows."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from sites.models import GovSite

from . import exchange, fanout
from .models import OutboxState


@task()
def fan_out_task(
    item_id: int,
    source_site_id: int,
    plan: list[list[int]],
    direction: str,
    mandatory: bool,
    user_id: int | None,
) -> int:
    return fanout.fan_out(
        item_id=item_id,
        source_site_id=source_site_id,
        plan=plan,
        direction=direction,
        mandatory=mandatory,
        user_id=user_id,
    )


@task()
def push_task(
    item_id: int,
    source_site_id: int,
    site_ids: list[int],
    codes: list[str],
    direction: str,
    mandatory: bool,
    user_id: int | None,
) -> int:
    """A push or a report as the editor asked for it: the targets' columns are
    planned here, not in the request."""
    return fanout.push(
        item_id=item_id,
        source_site_id=source_site_id,
        site_ids=site_ids,
        codes=codes,
        direction=direction,
        mandatory=mandatory,
        user_id=user_id,
    )


@task()
def source_republished_task(page_id: int, source_site_id: int) -> int:
    """The source was published again: static publishing writes the target
    columns that list it (they show its title)."""
    source = GovSite.objects.filter(pk=source_site_id).first()
    return len(fanout.source_republished(page_id=page_id, source=source))


@task()
def item_withdrawn_task(item_id: int, page_id: int | None, site_ids: list[int]) -> int:
    """The item was withdrawn (its source unpublished or deleted): static
    publishing writes the target columns that listed it, site by site, here
    rather than in the editor's request."""
    fanout.withdrawn_publish(item_id=item_id, page_id=page_id, site_ids=site_ids)
    return len(site_ids)


@task()
def exchange_send_task(site_id: int, message_id: int) -> str:
    """Send one outbox message to its peer; on failure queue the next attempt
    after the back-off (the message counts its attempts and gives up after
    ``exchange.MAX_ATTEMPTS``)."""
    state = exchange.outbox_deliver(site_id=site_id, message_id=message_id)
    if state == OutboxState.PENDING:
        attempts = exchange.attempts_of(site_id=site_id, message_id=message_id)
        exchange_send_task.using(
            run_after=timezone.now() + exchange.retry_delay(attempts)
        ).enqueue(site_id, message_id)
    return state
