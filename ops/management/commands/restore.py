from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: checksums first, then the "
        "database and the media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup's folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, source, force, database, **options):
        try:
            result = backup_restore(source=source, force=force, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {source} (made {result.manifest['created']})")
        if not result.key_matches:
            self.stderr.write(
                "warning: INTERACTION_DATA_KEY is not the key this backup was made "
                "with; encrypted personal data of cases will not be readable until "
                "the original key is set"
            )
