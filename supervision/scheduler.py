"""The one scheduler of the platform's periodic jobs.

``JOBS`` lists them: Wagtail's scheduled publishing every minute, anonymising
cases and cleaning media daily, supervision's warnings (refreshed hourly, mailed
daily), link checks and availability probes, and subscriptions' daily and weekly
digests and consultation events. ``scheduler_tick`` enqueues each job that is due
as a task on the durable queue (the worker runs it) and records the run in the
job's ``ScheduledJob`` row, in the same transaction and under a row lock taken
with SKIP LOCKED: two schedulers, or one restarted mid-tick, never enqueue the
same run twice, and a scheduler that was down for a day runs each missed job once,
not once per missed slot. ``manage.py run_scheduler`` calls it in a loop.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from .models import ScheduledJob
from .tasks import (
    availability_probe_all_task,
    links_check_all_task,
    warnings_mail_task,
    warnings_refresh_task,
)

logger = logging.getLogger(__name__)


@task()
def command_task(name: str, args: list[str] | None = None) -> None:
    """Run one of the scheduled management commands (``COMMANDS`` only). Commands
    are named, not imported: packages beside this one (subscriptions) keep theirs."""
    if name not in COMMANDS:
        raise ValueError(f"not a scheduled command: {name}")
    call_command(name, *(args or ()))


@dataclass(frozen=True)
class Job:
    name: str
    enqueue: Callable[[], object]
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    args: tuple = field(default=())

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        """When the job is next due after a run at ``moment``."""
        if self.every is not None:
            return moment + self.every
        local = timezone.localtime(moment)
        due = local.replace(
            hour=self.daily_at.hour,
            minute=self.daily_at.minute,
            second=0,
            microsecond=0,
        )
        if due <= local:
            due += datetime.timedelta(days=1)
        return due


def _command(name: str, *args: str) -> Callable[[], object]:
    return lambda: command_task.enqueue(name, list(args))


COMMANDS = frozenset(
    {
        "publish_scheduled",
        "anonymise_cases",
        "clean_media",
        # subscriptions/: digests, and consultations' opened/closed webhook events.
        "send_digests",
        "consultation_events",
    }
)

JOBS: tuple[Job, ...] = (
    Job(
        "publish_scheduled",
        _command("publish_scheduled"),
        every=datetime.timedelta(minutes=1),
    ),
    Job(
        "anonymise_cases",
        _command("anonymise_cases"),
        daily_at=datetime.time(3, 0),
    ),
    Job("clean_media", _command("clean_media"), daily_at=datetime.time(3, 30)),
    Job(
        "subscriptions_digests_daily",
        _command("send_digests", "daily"),
        daily_at=datetime.time(7, 30),
    ),
    Job(
        "subscriptions_digests_weekly",
        _command("send_digests", "weekly"),
        every=datetime.timedelta(days=7),
    ),
    Job(
        "consultation_events",
        _command("consultation_events"),
        daily_at=datetime.time(0, 10),
    ),
    Job(
        "supervision_warnings_refresh",
        lambda: warnings_refresh_task.enqueue(),
        every=datetime.timedelta(hours=1),
    ),
    Job(
        "supervision_warnings_mail",
        lambda: warnings_mail_task.enqueue(),
        daily_at=datetime.time(7, 0),
    ),
    Job(
        "supervision_links_check",
        lambda: links_check_all_task.enqueue(),
        daily_at=datetime.time(2, 0),
    ),
    Job(
        "supervision_availability",
        lambda: availability_probe_all_task.enqueue(),
        every=datetime.timedelta(minutes=10),
    ),
)


def jobs_register(jobs=JOBS) -> None:
    """A row for every job (a new job is due at once)."""
    known = set(ScheduledJob.objects.values_list("name", flat=True))
    for job in jobs:
        if job.name not in known:
            try:
                with transaction.atomic():
                    ScheduledJob.objects.create(name=job.name)
            except IntegrityError:  # another scheduler registered it meanwhile
                pass


def scheduler_tick(*, now: datetime.datetime | None = None, jobs=JOBS) -> list[str]:
    """Enqueue every job that is due; returns the names of those enqueued."""
    now = now or timezone.now()
    jobs_register(jobs)
    ran = []
    for job in jobs:
        with transaction.atomic():
            row = (
                ScheduledJob.objects.select_for_update(skip_locked=True)
                .filter(name=job.name)
                .first()
            )
            if row is None:  # another scheduler holds it right now
                continue
            if row.next_run_at is not None and row.next_run_at > now:
                continue
            job.enqueue()
            row.last_run_at = now
            row.next_run_at = job.next_after(now)
            row.runs += 1
            row.save(update_fields=["last_run_at", "next_run_at", "runs"])
            ran.append(job.name)
    if ran:
        logger.info("scheduler enqueued %s", ", ".join(ran))
    return ran
