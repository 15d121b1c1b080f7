"""Record a bounce or complaint: no more mail to that address (for a mail
server's bounce handler or an operator)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subscriptions.models import Suppression
from subscriptions.services import suppression_record


class Command(BaseCommand):
    help = "Stop all subscription mail to an address that bounced or complained."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="+")
        parser.add_argument(
            "--reason", choices=Suppression.Reason.values, default="bounce"
        )

    def handle(self, *args, address, reason, **options):
        for one in address:
            try:
                suppression_record(address=one, reason=reason)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"suppressed: {one.strip().lower()}")
