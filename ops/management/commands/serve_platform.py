"""Serve the platform: gunicorn for the web, the task worker and the scheduler of
periodic jobs (``run_scheduler``: scheduled publishing, anonymising cases,
supervision) beside it.

The web server outlives the others: a worker or scheduler that exits is started
again after a pause that doubles (1 s up to 60 s, back to 1 s once it has run a
minute); only the web server's own exit, or Ctrl-C / SIGTERM, stops the command."""

import os
import signal
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from sites.selectors import site_list

RESTART_FIRST = 1.0  # seconds before a dead worker is started again
RESTART_MAX = 60.0


class Command(BaseCommand):
    help = (
        "Run the web server, the background task worker and the scheduler "
        "until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host, port, **options):
        env = {**os.environ, "HOST": host, "PORT": str(port)}
        # Every gunicorn worker's metrics in one place (ops/metrics_view.py),
        # emptied for this run.
        env.setdefault(
            "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="govplatform-metrics-")
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ["DJANGO_SETTINGS_MODULE"])
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")

        helpers = {
            "task worker": [python, manage, "db_worker"],
            "scheduler": [python, manage, "run_scheduler"],
        }

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
        # name -> [process, started, restart_at, delay]
        running = {
            name: [_start(argv, env), time.monotonic(), None, RESTART_FIRST]
            for name, argv in helpers.items()
        }
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        self._print_urls(host, port)
        try:
            while not stopping and web.poll() is None:
                now = time.monotonic()
                for name, state in running.items():
                    child, started, restart_at, delay = state
                    if restart_at is None and child.poll() is not None:
                        if now - started > RESTART_MAX:
                            delay = RESTART_FIRST  # it had been running: start over
                        self.stderr.write(
                            f"the {name} exited ({child.returncode}); "
                            f"starting it again in {delay:.0f} s"
                        )
                        state[2] = now + delay
                        state[3] = min(delay * 2, RESTART_MAX)
                    elif restart_at is not None and now >= restart_at:
                        state[0] = _start(helpers[name], env)
                        state[1] = now
                        state[2] = None
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            children = [state[0] for state in running.values()] + [web]
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _print_urls(self, host, port):
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
        self.stdout.write(
            f"Serving the platform with a task worker and the scheduler on port {port}:"
        )
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


def _start(argv: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(argv, env=env)  # noqa: S603 - our own manage.py
