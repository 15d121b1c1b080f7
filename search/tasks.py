"""Index updates on the durable task queue (django-tasks with the database
backend). Each task reads the items' current state from the database, so running
one twice, or late, writes the same documents."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import indexing
from .backends import BackendUnavailable
from .models import PendingIndexUpdate


@task()
def update_items_task(item_keys: list[str]) -> None:
    try:
        indexing.items_update(item_keys=item_keys)
    except BackendUnavailable:
        # The pending rows stay; try again later (and search_index sync applies
        # every pending update at once when the backend is back).
        attempts = max(
            PendingIndexUpdate.objects.filter(item_key__in=item_keys).values_list(
                "attempts", flat=True
            ),
            default=1,
        )
        update_items_task.using(
            run_after=timezone.now() + indexing.retry_delay(attempts - 1)
        ).enqueue(item_keys)
        raise


@task()
def update_subtree_task(page_id: int) -> None:
    keys = indexing.subtree_item_keys(page_id=page_id)
    for start in range(0, len(keys), 200):
        chunk = indexing.pending_record(item_keys=keys[start : start + 200])
        update_items_task.enqueue(chunk)
