"""``nginx_config [--output FILE] [--upstream 127.0.0.1:8000] [--listen 80]``:
an nginx configuration from the site registry (delivery/nginx.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from delivery.nginx import config_text


class Command(BaseCommand):
    help = "Write an nginx configuration for every site's hosts from the registry."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--upstream",
            default="127.0.0.1:8000",
            help="address of the platform's gunicorn (default 127.0.0.1:8000)",
        )
        parser.add_argument("--listen", default="80", help="nginx listen (default 80)")

    def handle(self, *args, output=None, upstream, listen, **options):
        text = config_text(upstream=upstream, listen=listen)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"nginx configuration written to {output}")
        else:
            self.stdout.write(text)
