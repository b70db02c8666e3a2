from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into the configured database and media folder, "
        "then check every table's row count and every file's checksum against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the tables and media files already there (refused otherwise).",
        )

    def handle(self, *args, archive: str, force: bool = False, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            summary = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path}: {summary.tables} tables ({summary.rows:,} rows) and "
                f"{summary.media_files} media files match the manifest."
            )
        )
