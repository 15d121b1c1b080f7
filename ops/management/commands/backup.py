from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database, the media files and a manifest of their SHA-256 "
        "sums into a new folder (the personal-data key is never written)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "target", type=Path, help="a folder that does not exist yet"
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, target, database, **options):
        try:
            manifest = backup_create(target=target, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup written to {target} (manifest: {manifest.name})")
        self.stdout.write(
            "keep INTERACTION_DATA_KEY apart from it: without that key the "
            "restored personal data of cases cannot be read"
        )
