"""Tell webhooks about consultations that opened or closed (run it daily, and
at any time again: each event is sent once)."""

from django.core.management.base import BaseCommand

from subscriptions.events import consultation_events_emit


class Command(BaseCommand):
    help = "Queue consultation.opened and consultation.closed webhook events."

    def handle(self, *args, **options):
        count = consultation_events_emit()
        self.stdout.write(f"consultations looked at: {count}")
