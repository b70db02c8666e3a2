from celery import shared_task
from django.utils.translation import gettext_lazy as _

from activities.services import pending_photos_prune


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
    label=_("Delete the photos kept for unsent activity forms"),
)
def prune_pending_photos() -> int:
    """Delete the photos kept for forms that were never sent again (scheduled daily by beat)."""
    return pending_photos_prune()
