"""Clean the activity photos stored before uploads were cleaned:

    python manage.py clean_photos

Each photo still named by its upload, or holding EXIF (the phone's GPS position, its make),
XMP or a comment, is written again upright and without them (activities.uploads.clean_photo).
Photos already clean are left as they are, so it can be run again at any time. Take a backup
first (manage.py backup): the old files are deleted."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from activities.models import ActivityPhoto
from activities.services import photo_clean_stored


class Command(BaseCommand):
    help = "Strip metadata from stored activity photos and name them by their format."

    def handle(self, *args, **options):
        cleaned = unreadable = 0
        for photo in ActivityPhoto.objects.order_by("pk").iterator(chunk_size=200):
            try:
                cleaned += photo_clean_stored(photo=photo)
            except (ValidationError, OSError) as error:
                unreadable += 1
                self.stderr.write(f"photo {photo.pk} ({photo.image.name}): {error}")
        self.stdout.write(f"cleaned={cleaned} unreadable={unreadable}")
