"""List, and unless --dry-run delete, media files that no database row points
at and that are older than an hour (core.uploads.media)."""

import datetime

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from core.uploads.media import ORPHAN_MIN_AGE, media_orphans, media_orphans_delete


class Command(BaseCommand):
    help = (
        "Delete media files with no database row (older than an hour): partial "
        "uploads and files whose row was never saved. --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the files; delete nothing."
        )
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=int(ORPHAN_MIN_AGE.total_seconds() // 60),
            help="Only files last written at least this long ago (60 or more).",
        )

    def handle(self, *args, dry_run=False, min_age_minutes=60, **options):
        # Never younger: an upload's row may be about to be committed.
        min_age = max(datetime.timedelta(minutes=min_age_minutes), ORPHAN_MIN_AGE)
        orphans = media_orphans(min_age=min_age)
        for orphan in orphans:
            self.stdout.write(
                f"{orphan.name}\t{orphan.size}\t{orphan.modified:%Y-%m-%d %H:%M}"
            )
        total = filesizeformat(sum(orphan.size for orphan in orphans))
        if dry_run:
            self.stdout.write(f"{len(orphans)} files without a row ({total}).")
            return
        deleted = media_orphans_delete(orphans=orphans)
        self.stdout.write(
            f"{len(deleted)} files without a row deleted "
            f"({filesizeformat(sum(orphan.size for orphan in deleted))})."
        )
