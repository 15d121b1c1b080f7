import json

from django.core.management.base import BaseCommand

from sites.selectors import site_list

from .provision_site import site_as_dict


class Command(BaseCommand):
    help = "List every hosted site."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, json_output=False, **options):
        sites = site_list().prefetch_related("hosts")
        rows = [site_as_dict(site) for site in sites]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['code']}  {row['level']:<10}  {row['status']:<8}  "
                f"{row['host']}:{row['port']}  {row['name']}"
            )
