from celery import shared_task
from django.utils.translation import gettext_lazy as _

from api.services import prune_calls


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
    label=_("Prune the API calls past the access log's retention"),
)
def prune_api_calls() -> int:
    """Delete the recorded API calls older than the access log's retention (daily, by beat)."""
    return prune_calls()
