"""Serve the platform: gunicorn for the web, the task worker beside it, and
Wagtail's scheduled publishing once a minute."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

SCHEDULE_INTERVAL = 60  # seconds between runs of publish_scheduled


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
        children = [
            subprocess.Popen([python, manage, "db_worker"], env=env),  # noqa: S603
            subprocess.Popen(  # noqa: S603
                [
                    python,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:cms.gunicorn_conf",
                    "cms.wsgi",
                ],
                env=env,
                cwd=settings.BASE_DIR,
            ),
        ]

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        self._print_urls(host, port)
        next_schedule_run = time.monotonic()
        try:
            while all(child.poll() is None for child in children):
                if time.monotonic() >= next_schedule_run:
                    # Pages whose go-live or expiry time has come (cron in production).
                    subprocess.Popen(  # noqa: S603
                        [python, manage, "publish_scheduled"], env=env
                    )
                    next_schedule_run = time.monotonic() + SCHEDULE_INTERVAL
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=20)

    def _print_urls(self, host, port):
        from sites.selectors import site_list

        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
        self.stdout.write(f"Serving the platform with a task worker on port {port}:")
        self.stdout.write(f"  platform index  http://{shown}:{port}/")
        self.stdout.write(f"  admin           http://{shown}:{port}/admin/")
        sites = list(site_list()[:5])
        for site in sites:
            self.stdout.write(f"  {site.name:<14}  http://{site.host}:{port}/")
        if len(sites) == 5:
            self.stdout.write("  … every site is listed on the platform index")
        self.stdout.write("Press Ctrl-C to stop.")
