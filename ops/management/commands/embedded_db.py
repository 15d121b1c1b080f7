from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.embedded_db.server import ensure_running, running_endpoint, stop


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL (used without DATABASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args, action, **options):
        data_dir = settings.DATABASES["default"].get("EMBEDDED_DATA_DIR")
        if not data_dir:
            raise CommandError(
                "DATABASE_URL is set: the embedded server is not in use."
            )
        if action == "start":
            endpoint = ensure_running(data_dir)
            self.stdout.write(f"running: {data_dir} (socket in {endpoint.socket_dir})")
        elif action == "stop":
            was_running = stop(data_dir)
            self.stdout.write("stopped" if was_running else "not running")
        else:
            endpoint = running_endpoint(Path(data_dir).resolve())
            self.stdout.write(f"running: {data_dir}" if endpoint else "not running")
