"""The queue's sweep: tasks stuck "running" run again, lost search updates are
queued again. (The worker surviving a real PostgreSQL restart is in
test_fault_drill.py.)"""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delivery.models import PendingPublish
from ops import worker
from search.models import PendingIndexUpdate
from search.services import pending_updates_requeue
from search.tasks import update_items_task

pytestmark = pytest.mark.django_db


def _running(worker_id, *, minutes_ago, attempts=1):
    result = update_items_task.enqueue(["page:1"])
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=[f"earlier-{n}" for n in range(attempts - 1)] + [worker_id],
    )
    return row.pk


def _status(pk):
    return DBTaskResult.objects.get(pk=pk).status


def test_a_task_whose_worker_is_gone_runs_again():
    worker.heartbeat_write(worker_id="alive")
    gone = _running("gone", minutes_ago=5)
    busy = _running("alive", minutes_ago=5)
    just_claimed = _running("starting", minutes_ago=0)
    assert worker.tasks_requeue_stuck() == 1
    assert _status(gone) == "READY"
    assert _status(busy) == "RUNNING"
    assert _status(just_claimed) == "RUNNING"  # its worker may not have beaten yet


def test_a_task_running_too_long_runs_again_even_with_its_worker_alive(settings):
    settings.TASKS_STUCK_AFTER = 600
    worker.heartbeat_write(worker_id="alive")
    hung = _running("alive", minutes_ago=11)
    assert worker.tasks_requeue_stuck() == 1
    assert _status(hung) == "READY"


def test_a_task_that_keeps_losing_its_worker_fails_in_the_end(settings):
    settings.TASKS_MAX_ATTEMPTS = 3
    poison = _running("gone", minutes_ago=5, attempts=3)
    assert worker.tasks_requeue_stuck() == 0
    row = DBTaskResult.objects.get(pk=poison)
    assert row.status == "FAILED"
    assert "3 attempts" in row.traceback


def test_a_worker_that_lost_the_database_queues_its_own_task_again():
    worker.heartbeat_write(worker_id="me")
    mine = _running("me", minutes_ago=1)
    other = _running("someone", minutes_ago=1)
    assert worker.tasks_requeue_own(worker_id="me") == 1
    assert _status(mine) == "READY"
    assert _status(other) == "RUNNING"


def _pending(key, *, minutes_ago):
    PendingIndexUpdate.objects.create(item_key=key)
    PendingIndexUpdate.objects.filter(item_key=key).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )


def _queued_keys():
    keys = set()
    for row in DBTaskResult.objects.filter(
        status="READY", task_path=update_items_task.module_path
    ):
        keys.update(row.args_kwargs["args"][0])
    return keys


def test_lost_pending_search_updates_are_queued_again():
    DBTaskResult.objects.all().delete()
    _pending("page:101", minutes_ago=30)  # its task was lost
    _pending("page:102", minutes_ago=30)
    _pending("page:103", minutes_ago=1)  # its task may still be on its way
    update_items_task.enqueue(["page:102"])  # still covered by a queued task
    queued = pending_updates_requeue(older_than=datetime.timedelta(minutes=10))
    assert queued == 1
    assert _queued_keys() == {"page:101", "page:102"}
    # A second sweep finds every old row covered: nothing piles up.
    assert pending_updates_requeue(older_than=datetime.timedelta(minutes=10)) == 0


def test_the_sweep_does_both(settings):
    settings.SEARCH_PENDING_REQUEUE_AFTER = 60
    DBTaskResult.objects.all().delete()
    PendingPublish.objects.all().delete()
    _pending("page:201", minutes_ago=5)
    gone = _running("gone", minutes_ago=5)
    assert worker.queue_sweep() == {
        "stuck_tasks": 1,
        "pending_search_updates": 1,
        "pending_static_pages": 0,
    }
    assert _status(gone) == "READY"
