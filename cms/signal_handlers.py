"""Signal receivers: task log lines, publishing side effects."""

import logging

from django.dispatch import receiver
from django_tasks.signals import task_finished
from wagtail.signals import page_published

from .models import PolicyDocumentPage
from .publishing import issue_index_number, register_normative_document

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


@receiver(page_published)
def register_published_normative_document(sender, instance, **kwargs):
    """A policy document receives its index number, and a normative document its
    registration number, when it first goes live (inside the publishing
    transaction where there is one, ``ContentPage.publish``)."""
    if isinstance(instance, PolicyDocumentPage):
        issue_index_number(page=instance)
        register_normative_document(page=instance)
