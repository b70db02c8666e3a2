from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=3)
def clear_expired_sessions() -> int:
    """Delete expired log-in sessions (scheduled daily by django-celery-beat). Returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
