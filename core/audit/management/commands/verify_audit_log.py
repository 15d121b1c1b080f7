from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain: any changed or removed row is named."

    def handle(self, *args, **options):
        checked, problems = audit_verify()
        for problem in problems:
            self.stderr.write(
                _("Row %(pk)s: %(reason)s")
                % {"pk": problem.pk, "reason": problem.reason}
            )
        if problems:
            raise CommandError(
                _("The audit log was changed: %(n)d problems in %(rows)d rows.")
                % {"n": len(problems), "rows": checked}
            )
        self.stdout.write(_("%(rows)d audit rows checked; the chain is intact.")
                          % {"rows": checked})  # fmt: skip
