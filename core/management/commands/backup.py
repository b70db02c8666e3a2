from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump on PostgreSQL, a consistent copy on SQLite) and the media "
        "folder into one archive with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="The archive to write (default: portal-backup-<date>-<time>.tar here).",
        )

    def handle(self, *args, output: str | None = None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(output or f"portal-backup-{stamp}.tar")
        if path.exists():
            raise CommandError(f"{path} exists already: choose another --output.")
        try:
            summary = create_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path} ({summary.path.stat().st_size:,} bytes): "
                f"{summary.tables} tables, {summary.rows:,} rows, "
                f"{summary.media_files} media files ({summary.media_bytes:,} bytes)."
            )
        )
        if summary.media_bucket:
            self.stdout.write(
                self.style.WARNING(
                    f"The uploads are in the bucket {summary.media_bucket}, not in this archive: "
                    "keep them with the object store's versioning or replication."
                )
            )
