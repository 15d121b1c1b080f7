from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.models import GovSite, SiteStatus
from sites.services import site_status_change

from .provision_site import one_line


class Command(BaseCommand):
    help = (
        "Change a site's status: launch it (active), close, reopen or archive it. "
        "A site goes online only with its ICP and public-security filing numbers."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="site code (网站标识码)")
        parser.add_argument("status", choices=SiteStatus.values)

    def handle(self, *args, code, status, **options):
        site = GovSite.objects.filter(code=code).first()
        if site is None:
            raise CommandError(f"no site with code {code}")
        try:
            site = site_status_change(site=site, status=status)
        except ValidationError as error:
            raise CommandError(one_line(error)) from None
        self.stdout.write(f"{site.code} {site.name}: {site.get_status_display()}")
