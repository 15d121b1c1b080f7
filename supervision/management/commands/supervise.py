"""``python manage.py supervise [--site CODE] [--json]``: compute the early warnings
(of every active site, or one), store them and print them."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sites.models import GovSite
from supervision.models import WarningKind, WarningLevel
from supervision.services import warnings_refresh


class Command(BaseCommand):
    help = "Compute, store and print each site's veto early warnings."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="the site code (default: every site)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        site = options["site"]
        site_ids = None
        if site:
            found = GovSite.objects.filter(code=site).values_list("pk", flat=True)
            if not found:
                raise CommandError(f"no site with code {site}")
            site_ids = list(found)
        findings = warnings_refresh(site_ids=site_ids)
        sites = GovSite.objects.in_bulk(
            {f.site_id for f in findings} | set(site_ids or [])
        )
        report = {}
        for site_id in sorted(sites, key=lambda pk: sites[pk].tree_path):
            report[site_id] = {
                "site": sites[site_id].code,
                "name": sites[site_id].name,
                "warnings": [],
            }
        for finding in sorted(
            findings,
            key=lambda f: (-f.level, f.days_left if f.days_left is not None else 0),
        ):
            report[finding.site_id]["warnings"].append(
                {
                    "kind": finding.kind,
                    "kind_label": str(WarningKind(finding.kind).label),
                    "level": WarningLevel(finding.level).name.lower(),
                    "column": finding.title,
                    "page_id": finding.page_id,
                    "last_update": finding.last_update.isoformat()
                    if finding.last_update
                    else None,
                    "days_since": finding.days_since,
                    "threshold": finding.threshold_days,
                    "days_left": finding.days_left,
                    "count": finding.count,
                }
            )
        if options["json"]:
            self.stdout.write(_dumps(list(report.values())))
            return
        for entry in report.values():
            self.stdout.write(f"{entry['site']} {entry['name']}")
            for w in entry["warnings"]:
                self.stdout.write(
                    f"  [{w['level']}] {w['kind']} {w['column']} "
                    f"days_since={w['days_since']} threshold={w['threshold']} "
                    f"days_left={w['days_left']} count={w['count']}"
                )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
