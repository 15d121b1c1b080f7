"""Queue the daily or weekly digests of every site (run it from cron: daily at
a fixed hour, weekly on one day)."""

from django.core.management.base import BaseCommand

from subscriptions.models import Frequency
from subscriptions.tasks import digests_enqueue


class Command(BaseCommand):
    help = "Queue the daily or weekly subscription digests of every site."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[Frequency.DAILY, Frequency.WEEKLY])

    def handle(self, *args, frequency, **options):
        count = digests_enqueue(frequency=frequency)
        self.stdout.write(f"{frequency} digests queued for {count} recipients")
