from celery import shared_task

from activities.services import pending_photos_prune


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def prune_pending_photos() -> int:
    """Delete the photos kept for forms that were never sent again (scheduled daily by beat)."""
    return pending_photos_prune()
