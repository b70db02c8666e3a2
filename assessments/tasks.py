"""Celery tasks: they take ids, fetch, call a service. Deliveries are handed to the broker only
after the transaction that created them has committed, and every delivery task may run twice
(a redelivered message, a re-queue): assessments/deliveries.py claims the row before sending."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

from assessments import deliveries, reminders

logger = logging.getLogger(__name__)

# A delivery is one SMTP conversation (EMAIL_TIMEOUT per step): well under a minute. Its hard
# limit must stay below PORTAL_REMINDER_LEASE_SECONDS, so that a claim expires only once its
# worker is dead.
DELIVERY_SOFT_TIME_LIMIT = 45
DELIVERY_TIME_LIMIT = 60
# The most one re-queue pass hands over is this many batches (deliveries.BATCH each); the next
# pass, a minute later, goes on.
PASS_BATCHES = 10


@shared_task(label=_("Send the reminders that are due"))
def sweep_reminders() -> int:
    with transaction.atomic():
        created = reminders.sweep()
        delivery_ids = deliveries.pending_of(created)
        # A worker killed while these are being published leaves the rest pending: the re-queue
        # pass hands them over (PORTAL_REMINDER_REQUEUE_AFTER_SECONDS after this commit).
        transaction.on_commit(lambda: hand_over(delivery_ids))
    return len(created)


@shared_task(
    soft_time_limit=DELIVERY_SOFT_TIME_LIMIT,
    time_limit=DELIVERY_TIME_LIMIT,
    label=_("Deliver one reminder"),
)
def deliver_reminder(delivery_id: int) -> str:
    """Send one delivery, at most once (its claim); a failure is recorded with the time of the
    next attempt, which the re-queue pass hands over when it comes."""
    return deliveries.deliver(delivery_id)


@shared_task(label=_("Hand undelivered reminders to the queue again"))
def requeue_deliveries() -> int:
    """The periodic pass (every minute, django-celery-beat): hand over again what is due and not
    on its way — see deliveries.take_due. Returns how many were handed over."""
    total = 0
    for _batch in range(PASS_BATCHES):
        ids = deliveries.take_due(now=timezone.now())
        handed = hand_over(ids)
        total += handed
        if handed < len(ids) or len(ids) < deliveries.BATCH:
            break
    return total


def hand_over(delivery_ids: list[int]) -> int:
    """Publish the deliveries to the broker; returns how many were published. A broker that is
    down refuses at once (no retries that would hold the caller): what was not published stays
    pending and the re-queue pass hands it over when the broker is back."""
    for published, delivery_id in enumerate(delivery_ids):
        try:
            deliver_reminder.apply_async(args=[delivery_id], retry=False)
        except (BrokerError, OSError) as exc:
            logger.warning(
                "%s reminder deliveries not handed over, left to the re-queue pass: %s",
                len(delivery_ids) - published,
                exc,
            )
            return published
    return len(delivery_ids)
