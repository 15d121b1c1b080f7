"""``python manage.py annual_report --site CODE --year YEAR [--rollup] [--xlsx
FILE]``: generate the site's 政府网站年度报表 for the year, publish it in its 年度报表
column and print where; ``--rollup`` also prints the sums over the site and those
below it; ``--xlsx`` writes the report as an Excel workbook (as the admin exports
it)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sites.models import GovSite
from supervision.annual_report import annual_report_generate, annual_report_rollup
from supervision.exports import annual_report_workbook


class Command(BaseCommand):
    help = "Generate and publish a site's annual report (政府网站年度报表)."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--rollup", action="store_true")
        parser.add_argument("--xlsx", help="write the report to this Excel file")

    def handle(self, *args, **options):
        site = GovSite.objects.filter(code=options["site"]).first()
        if site is None:
            raise CommandError(f"no site with code {options['site']}")
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("the year must be between 2000 and 2100")
        if options["xlsx"] and not Path(options["xlsx"]).resolve().parent.is_dir():
            # Refused before anything is generated or published.
            raise CommandError(f"no folder for {options['xlsx']}")
        report = annual_report_generate(site=site, year=options["year"])
        self.stdout.write(f"published: {report.page.full_url}")
        if options["xlsx"]:
            book = annual_report_workbook(figures=report.figures, manual=report.manual)
            try:
                book.save(options["xlsx"])
            except OSError as error:
                raise CommandError(f"cannot write {options['xlsx']}: {error}") from None
            self.stdout.write(f"written: {options['xlsx']}")
        if options["rollup"]:
            rollup = annual_report_rollup(site=site, year=options["year"])
            self.stdout.write(json.dumps(rollup, ensure_ascii=False))
