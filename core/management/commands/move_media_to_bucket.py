"""Copy the uploads of the media folder into the bucket the portal now stores them in.

    DJANGO_S3_BUCKET=… python manage.py move_media_to_bucket [--dry-run]

Every file under DJANGO_MEDIA_ROOT is written to the bucket under the same name (the database
refers to files by name, so nothing else changes), then read back and compared by size and
SHA-256. A file already in the bucket with the same content is left alone, so the command can
be run again after an interruption; one there with other content is reported, never replaced.
The local files are kept: remove the folder once the command reports no difference."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from core.backup import media_files
from core.files import bucket_name

CHUNK = 1024 * 1024


def digest(handle) -> str:
    sha = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


class Command(BaseCommand):
    help = "Copy every file of the media folder into the bucket set by DJANGO_S3_BUCKET."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied.")

    def handle(self, *args, dry_run: bool = False, **options):
        bucket = bucket_name()
        if bucket is None:
            raise CommandError(
                "The uploads are stored in the media folder: set DJANGO_S3_BUCKET (and the other "
                "DJANGO_S3_* settings, see README) to the bucket to move them to."
            )
        storage = storages["default"]
        root = Path(settings.MEDIA_ROOT)
        copied = present = 0
        different = []
        for relative in media_files(root):
            name = relative.as_posix()
            with (root / relative).open("rb") as local:
                local_digest = digest(local)
            if storage.exists(name):
                with storage.open(name, "rb") as remote:
                    if digest(remote) == local_digest:
                        present += 1
                    else:
                        different.append(name)
                continue
            if dry_run:
                copied += 1
                continue
            with (root / relative).open("rb") as local:
                saved = storage.save(name, File(local, name=name))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}: stopped, nothing else copied.")
            with storage.open(name, "rb") as remote:
                if digest(remote) != local_digest:
                    raise CommandError(f"{name} differs once in the bucket: stopped.")
            copied += 1
        verb = "would be copied" if dry_run else "copied"
        others = f", {len(different)} different there (not replaced)" if different else ""
        self.stdout.write(
            f"{copied} files {verb} to the bucket {bucket}, {present} already there{others}."
        )
        for name in different:
            self.stdout.write(self.style.WARNING(f"  differs in the bucket: {name}"))
        if different:
            raise CommandError("Some files differ in the bucket: compare them before going on.")
