"""Celery tasks: they take ids, fetch, call a service; deliveries are enqueued only after the
transaction that claimed the reminder has committed."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F

from assessments import reminders
from assessments.channels import channels
from assessments.models import Notification

logger = logging.getLogger(__name__)


@shared_task
def sweep_reminders() -> int:
    with transaction.atomic():
        created = reminders.sweep()
        pending = list(
            Notification.objects.filter(
                pk__in=created, email_status=Notification.Email.PENDING
            ).values_list("pk", flat=True)
        )
        for pk in pending:
            transaction.on_commit(lambda pk=pk: deliver_notification.delay(pk))
    return len(created)


def attempt_delivery(notification_id: int) -> tuple[str, int]:
    """One attempt to send a reminder through the external channels. Returns the outcome —
    "sent", "failed" (after the last attempt, recorded for staff), "skipped" (nothing to send),
    or "retry" with the delay before the next attempt."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.email_status != Notification.Email.PENDING:
        return "skipped", 0
    Notification.objects.filter(pk=notification.pk).update(email_attempts=F("email_attempts") + 1)
    attempts = notification.email_attempts + 1
    try:
        for channel in channels():
            channel.send(notification)
    except Exception as exc:  # noqa: BLE001 - any failure of a channel is retried, then recorded
        error = f"{type(exc).__name__}: {exc}"[:300]
        if attempts >= settings.PORTAL_REMINDER_ATTEMPTS:
            Notification.objects.filter(pk=notification.pk).update(
                email_status=Notification.Email.FAILED, email_error=error
            )
            logger.warning(
                "reminder %s failed after %s attempts: %s", notification.pk, attempts, error
            )
            return "failed", 0
        Notification.objects.filter(pk=notification.pk).update(email_error=error)
        return "retry", settings.PORTAL_REMINDER_RETRY_SECONDS * 2 ** (attempts - 1)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=Notification.Email.SENT, email_error=""
    )
    return "sent", 0


@shared_task(bind=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> str:
    """Send one reminder, retrying with a growing delay; after the last try it is marked failed
    (staff see it), never silently dropped."""
    while True:
        outcome, delay = attempt_delivery(notification_id)
        if outcome != "retry":
            return outcome
        if not self.request.is_eager:
            raise self.retry(countdown=delay)
        # Without a broker there is no later: the next attempt is made now.
