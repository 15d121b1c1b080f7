"""The static tree's task on the durable queue (django-tasks, database backend):
one per site at a time, working the rows that are due (delivery.publishing)."""

from __future__ import annotations

import datetime

from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import publishing


@task()
def publish_changes_task(site_id: int) -> None:
    _result, later = publishing.changes_publish(site_id=site_id)
    if later is not None:
        task_ensure(site_id=site_id, run_after=later)


def task_ensure(*, site_id: int, run_after: datetime.datetime) -> None:
    """Queue the site's task to run at ``run_after``, unless one already waits
    to run by then (changes coalesce into it)."""
    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=publish_changes_task.module_path,
        args_kwargs__args=[site_id],
        run_after__lte=run_after,
    )
    if not queued.exists():
        publish_changes_task.using(run_after=run_after).enqueue(site_id)


def queued_site_ids() -> set[int]:
    """Sites whose task waits on the queue."""
    return {
        args["args"][0]
        for args in DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path=publish_changes_task.module_path,
        ).values_list("args_kwargs", flat=True)
    }
