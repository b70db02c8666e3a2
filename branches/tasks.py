import logging

from celery import shared_task
from django.utils import timezone

from branches import archive
from branches.models import Archive

logger = logging.getLogger(__name__)


@shared_task
def build_archive(archive_id: int) -> str:
    """Build a handover archive in the background, recording its progress as it goes."""
    item = Archive.objects.select_related("branch", "branch__project").filter(pk=archive_id).first()
    if item is None or item.status not in (Archive.Status.QUEUED, Archive.Status.FAILED):
        return "skipped"
    Archive.objects.filter(pk=item.pk).update(status=Archive.Status.BUILDING, progress=1, error="")

    def progress(percent: int) -> None:
        Archive.objects.filter(pk=item.pk).update(progress=min(percent, 99))

    try:
        archive.build(item, progress=progress)
    except Exception as exc:
        logger.exception("archive %s failed", item.pk)
        Archive.objects.filter(pk=item.pk).update(
            status=Archive.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:300]
        )
        raise
    item.status = Archive.Status.DONE
    item.progress = 100
    item.finished_at = timezone.now()
    item.save(update_fields=["file", "size", "digest", "status", "progress", "finished_at"])
    return "done"
