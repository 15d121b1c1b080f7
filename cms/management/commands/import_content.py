import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms.imports.services import ColumnNotFound, Status, import_file
from sites.selectors import site_list


class Command(BaseCommand):
    help = (
        "Import an old site's content: a JSON Lines file, one item a line "
        "(news, notices, policy documents, interpretations), published with the "
        "original dates. Re-running a file updates changed items only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code (网站标识码)")
        parser.add_argument(
            "--column",
            help="code of the column every item goes to (default: by kind)",
        )
        parser.add_argument("file", help="JSON Lines file, or - for standard input")

    def handle(self, *args, **options):
        code = options["site"]
        site = site_list().filter(code=code).first()
        if site is None:
            raise CommandError(
                _("There is no site with the code %(code)s.") % {"code": code}
            )
        path = options["file"]
        try:
            if path == "-":
                summary = self._import(site, options["column"], sys.stdin)
            else:
                with open(path, encoding="utf-8-sig") as lines:
                    summary = self._import(site, options["column"], lines)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": path, "error": error.strerror or error}
            ) from None

        for line, outcome in summary.lines:
            if outcome.status == Status.REJECTED:
                self.stderr.write(
                    _("Line %(line)d rejected: %(reason)s")
                    % {"line": line, "reason": outcome.message}
                )
            for warning in outcome.warnings:
                self.stdout.write(
                    _("Line %(line)d imported with a warning: %(warning)s")
                    % {"line": line, "warning": warning}
                )
        self.stdout.write(
            _(
                "Imported: %(imported)d, updated: %(updated)d, unchanged: "
                "%(unchanged)d, rejected: %(rejected)d."
            )
            % {
                "imported": summary.count(Status.IMPORTED),
                "updated": summary.count(Status.UPDATED),
                "unchanged": summary.count(Status.UNCHANGED),
                "rejected": summary.count(Status.REJECTED),
            }
        )
        if summary.rejected:
            raise CommandError(
                _("Lines rejected: %(count)d. Correct them and run the import again.")
                % {"count": len(summary.rejected)}
            )

    def _import(self, site, column_code, lines):
        try:
            return import_file(site=site, column_code=column_code, lines=lines)
        except ColumnNotFound as error:
            raise CommandError(str(error)) from None
