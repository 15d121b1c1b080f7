"""Serve the platform: gunicorn for the web, the task worker beside it, and
Wagtail's scheduled publishing once a minute.

The web server outlives the worker: a worker that exits is started again after a
pause that doubles (1 s up to 60 s, back to 1 s once it has run a minute); only
the web server's own exit, or Ctrl-C / SIGTERM, stops the command."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from sites.selectors import site_list

SCHEDULE_INTERVAL = 60  # seconds between runs of publish_scheduled
RESTART_FIRST = 1.0  # seconds before a dead worker is started again
RESTART_MAX = 60.0


class Command(BaseCommand):
    help = "Run the web server and the background task worker until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host, port, **options):
        env = {**os.environ, "HOST": host, "PORT": str(port)}
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ["DJANGO_SETTINGS_MODULE"])
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")

        def start_worker():
            return subprocess.Popen([python, manage, "db_worker"], env=env)  # noqa: S603

        web = subprocess.Popen(  # noqa: S603
            [
                python,
                "-m",
                "gunicorn",
                "-c",
                "python:config.gunicorn_conf",
                "config.wsgi",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        worker = start_worker()
        worker_started = time.monotonic()
        restart_at = None
        delay = RESTART_FIRST
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        self._print_urls(host, port)
        next_schedule_run = time.monotonic()
        try:
            while not stopping and web.poll() is None:
                now = time.monotonic()
                if restart_at is None and worker.poll() is not None:
                    if now - worker_started > RESTART_MAX:
                        delay = RESTART_FIRST  # it had been running: start over
                    self.stderr.write(
                        f"the task worker exited ({worker.returncode}); "
                        f"starting it again in {delay:.0f} s"
                    )
                    restart_at = now + delay
                    delay = min(delay * 2, RESTART_MAX)
                if restart_at is not None and now >= restart_at:
                    worker = start_worker()
                    worker_started = now
                    restart_at = None
                if now >= next_schedule_run:
                    # Pages whose go-live or expiry time has come (cron in production).
                    subprocess.Popen(  # noqa: S603
                        [python, manage, "publish_scheduled"], env=env
                    )
                    next_schedule_run = now + SCHEDULE_INTERVAL
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in (worker, web):
                if child.poll() is None:
                    child.terminate()
            for child in (worker, web):
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _print_urls(self, host, port):
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
        self.stdout.write(f"Serving the platform with a task worker on port {port}:")
        self.stdout.write(f"  platform index  http://{shown}:{port}/")
        self.stdout.write(f"  admin           http://{shown}:{port}/admin/")
        try:
            sites = list(site_list()[:5])
        except Exception:  # the database is not up yet: the index lists them later
            sites = []
        for site in sites:
            self.stdout.write(f"  {site.name:<14}  http://{site.host}:{port}/")
        if len(sites) == 5:
            self.stdout.write("  … every site is listed on the platform index")
        self.stdout.write("Press Ctrl-C to stop.")
