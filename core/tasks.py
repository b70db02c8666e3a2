from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.outbox import hand_over_waiting


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
    label=_("Clear expired log-in sessions"),
)
def clear_expired_sessions() -> int:
    """Delete expired log-in sessions (scheduled daily by django-celery-beat). Returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(label=_("Hand waiting background jobs to the queue"))
def hand_over_waiting_jobs() -> int:
    """The outbox's periodic pass: hand to the broker the jobs it could not take when asked."""
    return hand_over_waiting()
