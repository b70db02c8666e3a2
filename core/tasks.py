from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.outbox import hand_over_waiting


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def clear_expired_sessions() -> int:
    """Delete expired log-in sessions (scheduled daily by django-celery-beat). Returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def hand_over_waiting_jobs() -> int:
    """The outbox's periodic pass: hand to the broker the jobs it could not take when asked."""
    return hand_over_waiting()
