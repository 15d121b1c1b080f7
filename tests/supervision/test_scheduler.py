"""The scheduler of periodic jobs: each run enqueued once, at its time."""

import datetime
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from supervision.models import ScheduledJob
from supervision.scheduler import JOBS, Job, command_task, scheduler_tick

pytestmark = pytest.mark.django_db


def _queued(fragment):
    return DBTaskResult.objects.filter(task_path__contains=fragment).count()


def test_first_tick_enqueues_every_job_once_and_records_it():
    now = timezone.now()
    assert set(scheduler_tick(now=now)) == {job.name for job in JOBS}
    assert scheduler_tick(now=now) == []
    assert scheduler_tick(now=now + datetime.timedelta(seconds=30)) == []
    row = ScheduledJob.objects.get(name="publish_scheduled")
    assert (row.runs, row.last_run_at) == (1, now)
    assert row.next_run_at == now + datetime.timedelta(minutes=1)
    # publish, anonymise, clean media, daily and weekly digests, consultation events
    assert _queued("command_task") == 6
    assert _queued("warnings_refresh_task") == 1


def test_a_job_runs_again_when_due_and_once_after_a_long_stop():
    now = timezone.now()
    scheduler_tick(now=now)
    later = now + datetime.timedelta(minutes=1)
    assert "publish_scheduled" in scheduler_tick(now=later)
    # Down for eight days (the weekly digest is due too): each job runs once, not
    # once per missed slot.
    much_later = now + datetime.timedelta(days=8)
    ran = scheduler_tick(now=much_later)
    assert sorted(ran) == sorted(job.name for job in JOBS)
    assert ScheduledJob.objects.get(name="anonymise_cases").runs == 2


def test_daily_job_is_next_due_at_its_time():
    job = Job("x", lambda: None, daily_at=datetime.time(3, 0))
    tz = ZoneInfo("Asia/Shanghai")
    before = datetime.datetime(2026, 5, 1, 2, 0, tzinfo=tz)
    after = datetime.datetime(2026, 5, 1, 3, 0, tzinfo=tz)
    with timezone.override(tz):
        assert job.next_after(before) == datetime.datetime(2026, 5, 1, 3, 0, tzinfo=tz)
        assert job.next_after(after) == datetime.datetime(2026, 5, 2, 3, 0, tzinfo=tz)


def test_command_task_runs_only_scheduled_commands():
    with pytest.raises(ValueError, match="not a scheduled command"):
        command_task.func("flush")


def test_command_task_runs_a_scheduled_command_with_its_arguments(capsys):
    """Subscriptions' digests run from the scheduler, not from cron."""
    command_task.func("send_digests", ["weekly"])
    assert "weekly digests queued for 0 recipients" in capsys.readouterr().out


def test_run_scheduler_once_prints_what_it_enqueued():
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "enqueued publish_scheduled" in out.getvalue()
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_enqueue_each_run_once():
    now = timezone.now()
    scheduler_tick(now=now)  # rows exist; every job (the weekly one too) is due later
    later = now + datetime.timedelta(days=8)
    start = threading.Barrier(4)
    results = []

    def run():
        start.wait()
        try:
            results.append(scheduler_tick(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ran = [name for names in results for name in names]
    assert sorted(ran) == sorted(job.name for job in JOBS)
    assert {row.runs for row in ScheduledJob.objects.all()} == {2}
    assert _queued("warnings_refresh_task") == 2
