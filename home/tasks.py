import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Archive
from home import archive

logger = logging.getLogger(__name__)

BUILD_LEASE = datetime.timedelta(minutes=30)


@shared_task(label=_("Build a handover archive"))
def build_archive(archive_id: int) -> str:
    """Build a handover archive in the background, recording its progress as it goes."""
    # Claimed before it acts: a second delivery of the same job (a redelivery, or the outbox's
    # pass) finds it no longer queued and does nothing. A build cut short by a dead worker is
    # taken up again once its lease has run out.
    stale = timezone.now() - BUILD_LEASE
    claimed = (
        Archive.objects.filter(pk=archive_id)
        .filter(
            Q(status__in=(Archive.Status.QUEUED, Archive.Status.FAILED))
            | Q(status=Archive.Status.BUILDING, started_at__lt=stale)
        )
        .update(status=Archive.Status.BUILDING, progress=1, error="", started_at=timezone.now())
    )
    if not claimed:
        return "skipped"
    item = Archive.objects.select_related("branch", "branch__project").get(pk=archive_id)

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
