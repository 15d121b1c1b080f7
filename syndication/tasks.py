"""Syndication's background work on the durable task queue (django-tasks with the
database backend): fanning an item out to its targets. Each task
reads the current state from the database and writes idempotently, so running
one twice, or late, leaves the same rows."""

from __future__ import annotations

from django_tasks import task

from . import fanout


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
