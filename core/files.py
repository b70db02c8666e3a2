"""Stored files (photos, rule documents, handover archives) read back for a response."""

from typing import IO

from django.db.models.fields.files import FieldFile


def open_stored(stored: FieldFile) -> IO[bytes]:
    """The file as a stream to hand to FileResponse. From a bucket (S3Storage) the object's body
    is read as the bucket sends it: django-storages' own file would first copy the whole object
    into memory (a 100 MB archive per download). From the media folder, the file itself."""
    storage = stored.storage
    if storage.__class__.__name__ == "S3Storage":
        from storages.utils import clean_name

        key = storage._normalize_name(clean_name(stored.name))  # as S3Storage._open names it
        return storage.bucket.Object(key).get()["Body"]
    return stored.open("rb")


def bucket_name() -> str | None:
    """The bucket the uploads are stored in, or None when they are in the media folder."""
    from django.core.files.storage import storages

    storage = storages["default"]
    return storage.bucket_name if storage.__class__.__name__ == "S3Storage" else None
