"""One structured log line per background task, whatever the task is."""

import logging

from django.dispatch import receiver
from django_tasks.signals import task_finished

logger = logging.getLogger("cms.tasks")


@receiver(task_finished)
def log_task_finished(sender, task_result, **kwargs):
    started, finished = task_result.started_at, task_result.finished_at
    duration = (
        (finished - started).total_seconds() * 1000 if started and finished else None
    )
    status = str(task_result.status)
    logger.log(
        logging.ERROR if "FAIL" in status.upper() else logging.INFO,
        "task",
        extra={
            "task": task_result.task.module_path,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": round(duration, 2) if duration is not None else None,
        },
    )
