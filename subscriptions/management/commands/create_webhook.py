"""Register a webhook of a site and print its signing secret (once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.models import GovSite
from subscriptions.webhooks import webhook_create


class Command(BaseCommand):
    help = "Register a webhook of a site; prints its signing secret once."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site code")
        parser.add_argument("--url", required=True)
        parser.add_argument(
            "--events", required=True, help="comma-separated, e.g. item.published"
        )
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="allow an address in a private range (an intranet system)",
        )

    def handle(self, *args, site, url, events, name, allow_private, **options):
        govsite = GovSite.objects.filter(code=site).first()
        if govsite is None:
            raise CommandError(f"no site with code {site}")
        try:
            hook, secret = webhook_create(
                site=govsite,
                name=name,
                url=url,
                events=[e.strip() for e in events.split(",") if e.strip()],
                allow_private=allow_private,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"webhook {hook.pk} for {govsite.code}: {hook.url}")
        self.stdout.write(f"events: {', '.join(hook.events)}")
        self.stdout.write(f"secret (shown only now): {secret}")
