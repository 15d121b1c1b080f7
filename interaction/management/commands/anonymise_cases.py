"""python manage.py anonymise_cases [--site CODE]: remove personal data (and
attachments) of cases closed or replied to longer ago than each site's retention
period, the contacts of comments on consultations closed that long ago, and
expired rate-limit counters. Run it daily (cron)."""

from django.core.management.base import BaseCommand, CommandError

from interaction.ratelimit_cache import delete_expired
from interaction.services import cases_anonymise_expired
from sites.models import GovSite


class Command(BaseCommand):
    help = "Anonymise personal data of cases past their site's retention period."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="only this site code")

    def handle(self, *args, site=None, **options):
        sites = GovSite.objects.order_by("tree_path")
        if site:
            sites = sites.filter(code=site)
            if not sites.exists():
                raise CommandError(f"no site with code {site!r}")
        total = 0
        for govsite in sites:
            count = cases_anonymise_expired(site=govsite)
            total += count
            if count:
                self.stdout.write(f"{govsite.code}: {count} case(s) anonymised")
        self.stdout.write(f"{total} case(s) anonymised in all")

        delete_expired()
