"""``publish_static [--site CODE]`` writes the static tree; ``publish_static
check`` reports missing, stale and orphaned files and exits 1 if there are any."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from delivery import publishing, selectors


class Command(BaseCommand):
    help = (
        "Write every public page as a file per host (static publishing), "
        "or check the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", nargs="?", choices=["publish", "check"], default="publish"
        )
        parser.add_argument("--site", metavar="CODE", help="only this site (site code)")

    def handle(self, *args, action, site=None, **options):
        if site is not None:
            found = selectors.site_by_code(site)
            if found is None:
                raise CommandError(
                    _("No site with the code %(code)s.") % {"code": site}
                )
            sites = [found]
        else:
            sites = list(selectors.publishing_sites())
        if action == "check":
            return self._check(sites, whole=site is None)
        results = (
            {sites[0].host: publishing.site_publish(site=sites[0])}
            if site is not None
            else publishing.platform_publish(sites=sites)
        )
        failed = 0
        for host, result in results.items():
            self.stdout.write(
                f"{host}: {len(result.rendered)} rendered, "
                f"{len(result.written)} written, {len(result.removed)} removed"
                + (f", {len(result.failed)} failed" if result.failed else "")
            )
            for path in result.failed:
                self.stdout.write(f"failed  {host}{path}")
            failed += len(result.failed)
        if failed:
            raise CommandError(f"{failed} address(es) answered an error; run again")

    def _check(self, sites, *, whole):
        problems = 0
        for one in sites:
            report = publishing.tree_check(site=one)
            for label, paths in (
                ("missing", report.missing),
                ("stale", report.stale),
                ("orphaned", report.orphaned),
                ("failed", report.failed),
            ):
                for path in paths:
                    self.stdout.write(f"{label}  {one.host}{path}")
                problems += len(paths)
        if whole:
            for host in publishing.stray_hosts():
                self.stdout.write(f"orphaned  {host}/ (no site has this host)")
                problems += 1
        if problems:
            self.stdout.write(f"{problems} problem(s) in the static tree")
            raise SystemExit(1)
        self.stdout.write(f"static tree up to date ({len(sites)} site(s))")
