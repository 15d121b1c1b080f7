import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import PurgeRefused, audit_purge


class Command(BaseCommand):
    help = (
        "Delete audit rows older than a date (YYYY-MM-DD), which must be at least "
        "six months ago; younger rows are refused here and by the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD")

    def handle(self, *args, before, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError(_("Give the date as YYYY-MM-DD.")) from None
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        try:
            deleted = audit_purge(before=moment, actor_name="purge_audit_log")
        except PurgeRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(_("%(n)d audit rows purged.") % {"n": deleted})
