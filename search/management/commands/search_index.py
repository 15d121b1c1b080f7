"""``search_index rebuild [--site CODE]``, ``search_index check``,
``search_index sync``."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError

from search import services
from search.backends import BackendUnavailable, RebuildFailed, get_backend
from sites.models import GovSite


class Command(BaseCommand):
    help = (
        "rebuild: rebuild the search index from the database (one site with "
        "--site); check: report documents missing, stale or orphaned; sync: apply "
        "the updates still pending (after the search backend was down)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check", "sync"])
        parser.add_argument("--site", help="site code (rebuild only)")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that build documents (rebuild only; default: one a "
            "core; 1: in this process)",
        )

    def handle(self, *args, action, site=None, workers=1, **options):
        backend = get_backend()
        try:
            if action == "rebuild":
                self._rebuild(backend, site, max(workers, 1))
            elif action == "check":
                self._check(backend)
            else:
                done = services.index_sync(backend=backend)
                self.stdout.write(f"{done} pending update(s) applied ({backend.name})")
        except RebuildFailed as error:
            raise CommandError(f"the rebuild failed: {error}") from error
        except BackendUnavailable as error:
            raise CommandError(
                f"the search backend ({backend.name}) is unavailable: {error}"
            ) from error

    def _rebuild(self, backend, code, workers):
        govsite = None
        if code:
            govsite = GovSite.objects.filter(code=code).first()
            if govsite is None:
                raise CommandError(f"no site with the code {code!r}")
        started = time.perf_counter()
        written = services.index_rebuild(site=govsite, backend=backend, workers=workers)
        where = govsite.code if govsite else "every site"
        self.stdout.write(
            f"{written} document(s) indexed for {where} ({backend.name}) in "
            f"{time.perf_counter() - started:.1f} s ({workers} worker(s))"
        )

    def _check(self, backend):
        report = services.index_check(backend=backend)
        for label, keys in (
            ("missing", report.missing),
            ("stale", report.stale),
            ("orphaned", report.orphaned),
        ):
            self.stdout.write(f"{label}: {len(keys)}")
            for key in keys[:50]:
                self.stdout.write(f"  {key}")
        self.stdout.write(f"pending updates: {report.pending}")
        if not report.ok:
            raise CommandError(
                "the index differs from the database: run `search_index rebuild`"
            )
