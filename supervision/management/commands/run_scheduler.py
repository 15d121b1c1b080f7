"""``python manage.py run_scheduler [--once]``: enqueue the platform's periodic
jobs when they are due (supervision/scheduler.py), until interrupted.

Several may run (one per machine): each run of a job is enqueued once. A database
error does not end the loop: it closes its connections and tries again after a
pause that doubles (1 s up to 30 s)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, connections

from supervision.scheduler import scheduler_tick

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0


class Command(BaseCommand):
    help = "Enqueue the platform's periodic jobs at their times."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="one pass over the jobs, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between passes"
        )

    def handle(self, *args, once=False, interval=5.0, **options):
        if once:
            for name in scheduler_tick():
                self.stdout.write(f"enqueued {name}")
            return
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        delay = BACKOFF_FIRST
        while not stopping:
            try:
                scheduler_tick()
                delay = BACKOFF_FIRST
                pause = interval
            except (DatabaseError, InterfaceError) as error:
                self.stderr.write(f"scheduler: database error ({error}); retrying")
                for conn in connections.all(initialized_only=True):
                    try:
                        conn.close()
                    except Exception:  # noqa: S110 - a broken connection may fail
                        pass
                pause = delay
                delay = min(delay * 2, BACKOFF_MAX)
            end = time.monotonic() + pause
            while not stopping and time.monotonic() < end:
                time.sleep(0.2)
