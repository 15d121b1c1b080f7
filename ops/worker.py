"""The task worker that survives database restarts, and the queue's sweep.

``manage.py db_worker`` (ops/management/commands/db_worker.py) runs
django-tasks-db's own ``Worker`` loop inside ``ResilientWorker``:

- an error of the database (server restarted, connection closed) no longer ends
  the process: the worker closes its connections, waits (1 s, doubling to 30 s),
  reconnects and puts back on the queue the task it was running;
- a sweeper thread writes the worker's heartbeat to the cache and, every
  ``TASKS_SWEEP_INTERVAL`` seconds, puts back on the queue the tasks stuck
  "running" (their worker's heartbeat is gone, or they ran longer than
  ``TASKS_STUCK_AFTER``) and asks the search package to queue again its pending
  updates that no task covers any more.

A task is retried this way at most ``TASKS_MAX_ATTEMPTS`` times (its worker ids
count the attempts); then it is marked failed.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from delivery.services import pending_requeue as static_pending_requeue
from search.services import pending_updates_requeue

logger = logging.getLogger("ops.worker")

DATABASE_ERRORS = (DatabaseError, InterfaceError)
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
HEARTBEAT_KEY = "govplatform:worker:{}"


def _setting(name: str, default):
    return getattr(settings, name, default)


def close_connections() -> None:
    """Drop this thread's database connections, broken ones included."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: S110 - a broken connection may fail to close
            pass


def heartbeat_write(*, worker_id: str) -> None:
    ttl = 3 * _setting("TASKS_SWEEP_INTERVAL", 15)
    cache.set(HEARTBEAT_KEY.format(worker_id), time.time(), ttl)


def heartbeat_clear(*, worker_id: str) -> None:
    cache.delete(HEARTBEAT_KEY.format(worker_id))


def _requeue(task: DBTaskResult, *, reason: str) -> bool:
    """Put one running task back on the queue, or fail it after too many tries.
    Conditional on its status, so a task that finished meanwhile stays finished."""
    running = DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING)
    if len(task.worker_ids) >= _setting("TASKS_MAX_ATTEMPTS", 5):
        done = running.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="ops.worker.TaskAbandoned",
            traceback=f"abandoned after {len(task.worker_ids)} attempts: {reason}",
        )
        if done:
            logger.error("task %s failed: %s", task.task_path, reason)
        return False
    done = running.update(status=TaskResultStatus.READY, started_at=None)
    if done:
        logger.warning("task %s queued again: %s", task.task_path, reason)
    return bool(done)


def tasks_requeue_stuck(*, now: datetime.datetime | None = None) -> int:
    """Queue again the tasks left "running" by a worker that is gone (no
    heartbeat) or that ran longer than ``TASKS_STUCK_AFTER`` seconds."""
    now = now or timezone.now()
    grace = datetime.timedelta(seconds=3 * _setting("TASKS_SWEEP_INTERVAL", 15))
    stuck_after = datetime.timedelta(seconds=_setting("TASKS_STUCK_AFTER", 3600))
    running = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - grace)
        .only("id", "task_path", "worker_ids", "started_at")
    )
    if not running:
        return 0
    workers = {task.worker_ids[-1] for task in running if task.worker_ids}
    alive = cache.get_many([HEARTBEAT_KEY.format(w) for w in workers])
    requeued = 0
    for task in running:
        worker = task.worker_ids[-1] if task.worker_ids else ""
        if HEARTBEAT_KEY.format(worker) not in alive:
            requeued += _requeue(task, reason=f"worker {worker or '?'} is gone")
        elif task.started_at < now - stuck_after:
            requeued += _requeue(task, reason="running longer than TASKS_STUCK_AFTER")
    return requeued


def tasks_requeue_own(*, worker_id: str) -> int:
    """Queue again the tasks this worker was running when it lost the database."""
    running = DBTaskResult.objects.running().filter(worker_ids__contains=[worker_id])
    return sum(
        _requeue(task, reason="its worker lost the database")
        for task in running
        if task.worker_ids and task.worker_ids[-1] == worker_id
    )


def queue_sweep() -> dict[str, int]:
    """One sweep of the queue (the worker runs it periodically)."""
    stuck = tasks_requeue_stuck()
    pending = pending_updates_requeue(
        older_than=datetime.timedelta(
            seconds=_setting("SEARCH_PENDING_REQUEUE_AFTER", 300)
        )
    )
    # Static-tree changes committed while their site's task was finishing.
    static = static_pending_requeue(
        older_than=datetime.timedelta(
            seconds=_setting("DELIVERY_PENDING_REQUEUE_AFTER", 60)
        )
    )
    return {
        "stuck_tasks": stuck,
        "pending_search_updates": pending,
        "pending_static_pages": static,
    }


class ResilientWorker(Worker):
    """django-tasks-db's worker, kept alive across database restarts."""

    def run(self) -> None:
        if not self.batch:
            threading.Thread(
                target=self._sweep_forever, name="queue-sweeper", daemon=True
            ).start()
        delay = BACKOFF_FIRST
        lost_database = False
        while True:
            started = time.monotonic()
            try:
                if lost_database:
                    # The task it was running (if any) is on the queue again.
                    tasks_requeue_own(worker_id=self.worker_id)
                    lost_database = False
                    logger.info("database reachable again; the worker goes on")
                return super().run()
            except DATABASE_ERRORS as error:
                if not self.running:
                    return None
                lost_database = True
                if time.monotonic() - started > BACKOFF_MAX:
                    delay = BACKOFF_FIRST  # it had been working: start over
                logger.warning(
                    "database unavailable (%s); the worker reconnects in %.0f s",
                    (str(error).strip().splitlines() or [type(error).__name__])[0],
                    delay,
                )
                close_connections()
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)

    def _sweep_forever(self) -> None:
        interval = _setting("TASKS_SWEEP_INTERVAL", 15)
        while self.running:
            try:
                close_old_connections()
                heartbeat_write(worker_id=self.worker_id)
                done = queue_sweep()
                if any(done.values()):
                    logger.info("queue sweep", extra=done)
            except Exception:
                logger.warning("queue sweep failed; retried later", exc_info=True)
                close_connections()
            time.sleep(interval)
        close_connections()
