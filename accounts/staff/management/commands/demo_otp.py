from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.staff.services import demo_otp_code


class Command(BaseCommand):
    help = (
        "Print a demo staff account's current second-factor code (refused unless "
        "the settings are the demo's or development's: STAFF_DEMO_OTP)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            self.stdout.write(demo_otp_code(username=username))
        except (PermissionDenied, ValidationError) as refusal:
            message = " ".join(getattr(refusal, "messages", [str(refusal)]))
            raise CommandError(message) from None
