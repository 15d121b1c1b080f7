"""python manage.py create_api_client --site CODE --name NAME: prints the key once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from interaction.services import api_client_create
from sites.models import GovSite


class Command(BaseCommand):
    help = "Create an API client of a site for the cases API and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code (网站标识码)")
        parser.add_argument("--name", required=True, help="the client's name")

    def handle(self, *args, site, name, **options):
        govsite = GovSite.objects.filter(code=site).first()
        if govsite is None:
            raise CommandError(f"no site with code {site!r}")
        try:
            client, key = api_client_create(site=govsite, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"API client {client.name!r} of {govsite.code} created. Its key, shown "
            "only now (send it as the X-API-Key header):"
        )
        self.stdout.write(key)
