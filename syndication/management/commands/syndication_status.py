import json

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from syndication import selectors


class Command(BaseCommand):
    help = "Each target site's state of a syndicated item, with its address there."

    def add_arguments(self, parser):
        parser.add_argument("--page", type=int, required=True, help="page id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, page, json: bool = False, **options):
        if not Page.objects.filter(pk=page).exists():
            raise CommandError(f"no page with id {page}")
        rows = selectors.status_rows(page_id=page)
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            self.stdout.write(
                f"{row['site']} {row['name']} {row['state']} {row['address'] or ''}"
            )


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
