from celery import shared_task
from django.utils.translation import gettext_lazy as _

from accounts.services import prune_access_records


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
    label=_("Prune the access log past its retention"),
)
def prune_access_log() -> int:
    """Delete access records past PORTAL_ACCESS_LOG_DAYS (scheduled daily by beat)."""
    return prune_access_records()
