"""Delivering reminders: one Delivery row per reminder and channel (e-mail, …).

At least once. A delivery stays pending until a worker has sent it. The sweep hands each new one
to the broker once its transaction has committed; the re-queue pass (every minute) hands over
again what is due and has not been handed over for a while — a sweep killed while it was
queueing, a message lost with its worker —, the retries that have come due, and the deliveries
whose worker died while sending (their claim has expired).

At most once per recipient and channel. A worker sends only after a conditional UPDATE has moved
the row from pending to sending (`claim`), and marks it sent right after; any second run of the
same delivery — a redelivered message, a re-queue, two workers at once — finds it taken and
sends nothing.

Robots and webhooks (assessments/robots.py) go the same way: a Delivery per robot and topic,
claimed, retried, shown to staff when it fails.

THE ONE WINDOW FOR A SECOND MESSAGE: the channel has accepted the message (the SMTP server
answered 250 to the mail's data, a robot answered errcode 0, a webhook 2xx) and the worker
dies before `deliver` has marked the row sent. Its claim then expires
(PORTAL_REMINDER_LEASE_SECONDS) and the delivery is sent again. SMTP and the robots give no way
to ask whether they already hold a message (a webhook's receiver can: the X-Portal-Delivery
header repeats the delivery's id), so the window cannot be closed;
it is kept as short as two statements, and the lease outlasts the task's hard time limit so that
a slow send is never taken for a dead one.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from assessments import robots
from assessments.channels import channels
from assessments.models import Delivery, Notification, ReminderChannel

logger = logging.getLogger(__name__)

BATCH = 1000
UNSENT = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED)


def _seconds(name: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name))


def retry_at(
    *, failing_since: datetime.datetime, now: datetime.datetime
) -> datetime.datetime | None:
    """When to try again a delivery that has been failing since `failing_since`, or None to give
    up. The wait grows with the time it has been failing — PORTAL_REMINDER_RETRY_SECONDS at
    first, then doubling, never more than PORTAL_REMINDER_RETRY_MAX_INTERVAL_SECONDS — and the
    retries go on for PORTAL_REMINDER_RETRY_DAYS."""
    failing_for = now - failing_since
    if failing_for >= datetime.timedelta(days=settings.PORTAL_REMINDER_RETRY_DAYS):
        return None
    first = _seconds("PORTAL_REMINDER_RETRY_SECONDS")
    longest = _seconds("PORTAL_REMINDER_RETRY_MAX_INTERVAL_SECONDS")
    return now + min(max(failing_for, first), longest)


def create_for(notifications: Iterable[Notification], *, now: datetime.datetime) -> None:
    """The deliveries of reminders just created: one per channel that reaches the recipient,
    and one per active robot (assessments.ReminderChannel) of the recipient or of the branch
    the reminder is about — once per robot and topic, however many of the branch's people are
    reminded of it. They count as handed over now: the caller hands them to the broker after
    its commit."""
    notifications = list(notifications)
    in_use = channels()
    rows = [
        Delivery(notification_id=n.pk, channel=channel.name, next_attempt_at=now, queued_at=now)
        for n in notifications
        for channel in in_use
        if channel.reaches(n.recipient)
    ]
    by_user: dict[int, list[ReminderChannel]] = {}
    by_branch: dict[int, list[ReminderChannel]] = {}
    for robot in ReminderChannel.objects.filter(is_active=True):
        if robot.user_id:
            by_user.setdefault(robot.user_id, []).append(robot)
        else:
            by_branch.setdefault(robot.branch_id, []).append(robot)
    taken: set[tuple[int, str]] = set()
    for n in notifications:
        topic = n.key.split(":", 1)[1]
        for robot in by_user.get(n.recipient_id, []) + by_branch.get(n.branch_id, []):
            if (robot.pk, topic) in taken:
                continue
            taken.add((robot.pk, topic))
            rows.append(
                Delivery(
                    notification_id=n.pk,
                    channel=robot.channel_name,
                    robot=robot,
                    topic=topic,
                    next_attempt_at=now,
                    queued_at=now,
                )
            )
    Delivery.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def pending_of(notification_ids: list[int]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(notification_ids), BATCH):
        ids += Delivery.objects.filter(
            notification_id__in=notification_ids[start : start + BATCH],
            status=Delivery.Status.PENDING,
        ).values_list("pk", flat=True)
    return ids


def claim(delivery_id: int, *, now: datetime.datetime) -> bool:
    """Take the delivery for this worker, if it is due and nobody holds it (or its holder's
    claim has expired). One conditional UPDATE: of two workers trying at once, one wins."""
    return bool(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_until__lt=now),
            pk=delivery_id,
        ).update(
            status=Delivery.Status.SENDING,
            claimed_until=now + _seconds("PORTAL_REMINDER_LEASE_SECONDS"),
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    )


def deliver(delivery_id: int) -> str:
    """Send one delivery if this worker can claim it. Returns "sent", "retry" (failed, tried
    again later), "failed" (failed for good) or "skipped" (sent, being sent, not due, gone)."""
    if not claim(delivery_id, now=timezone.now()):
        return "skipped"
    delivery = (
        Delivery.objects.select_related("notification__recipient", "robot")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return "skipped"
    try:
        if delivery.robot is not None:
            _post_to_robot(delivery)
        else:
            by_name = {channel.name: channel for channel in channels()}
            if delivery.channel not in by_name:
                raise LookupError(
                    f"no channel {delivery.channel!r} in PORTAL_NOTIFICATION_CHANNELS"
                )
            by_name[delivery.channel].send(delivery.notification)
    except Exception as exc:  # noqa: BLE001 - any failure of a channel is retried, then shown
        return _record_failure(delivery, f"{type(exc).__name__}: {exc}"[:300])
    # ↑ The window for a second message (see the module's docstring): sent, not yet recorded.
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        failing_since=None,
        last_error="",
    )
    return "sent"


def _post_to_robot(delivery: Delivery) -> None:
    """A robot turned off after its delivery was made fails it (visible, resendable), rather
    than posting to a group its admin meant to silence."""
    if not delivery.robot.is_active:
        raise robots.RobotError("the channel is turned off")
    notification = delivery.notification
    robots.post(
        delivery.robot,
        title=notification.title,
        body=notification.body,
        url=notification.url,
        event=notification.event,
        stage=notification.stage,
        delivery_id=delivery.pk,
    )


def _record_failure(delivery: Delivery, error: str) -> str:
    now = timezone.now()
    failing_since = delivery.failing_since or now
    next_attempt = retry_at(failing_since=failing_since, now=now)
    fields = {"claimed_until": None, "last_error": error, "failing_since": failing_since}
    if next_attempt is None:
        fields["status"] = Delivery.Status.FAILED
        logger.warning(
            "reminder delivery %s failed for good after %s attempts: %s",
            delivery.pk,
            delivery.attempts,
            error,
        )
    else:
        fields |= {"status": Delivery.Status.PENDING, "next_attempt_at": next_attempt}
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(**fields)
    return "failed" if next_attempt is None else "retry"


def take_due(*, now: datetime.datetime, limit: int = BATCH) -> list[int]:
    """The deliveries the re-queue pass hands over, marked as handed over now: pending and due
    but not handed over since they came due, or not for PORTAL_REMINDER_REQUEUE_AFTER_SECONDS
    (their message is lost, or waits behind a long queue: a second one is harmless, see
    `claim`); and those claimed by a worker whose claim has expired. Rows another pass is taking
    at the same moment are skipped, not waited for."""
    stale = now - _seconds("PORTAL_REMINDER_REQUEUE_AFTER_SECONDS")
    not_handed_since = (
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale) | Q(queued_at__lt=F("next_attempt_at"))
    )
    due = Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) & not_handed_since
    orphaned = Q(status=Delivery.Status.SENDING, claimed_until__lt=now) & (
        Q(queued_at__isnull=True) | Q(queued_at__lt=stale) | Q(queued_at__lt=F("claimed_until"))
    )
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(due | orphaned)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def failing(*, now: datetime.datetime) -> Q:
    """What staff must see: failed for good, or still not sent long after it was created."""
    long_ago = now - datetime.timedelta(minutes=settings.PORTAL_REMINDER_LONG_PENDING_MINUTES)
    return Q(status=Delivery.Status.FAILED) | Q(
        status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING), created_at__lt=long_ago
    )


def make_due_again(deliveries: QuerySet[Delivery], *, now: datetime.datetime) -> list[int]:
    """Staff's resend: the deliveries become due now, with a new series of retries ahead of them.
    One a worker is sending right now (its claim still holds) is left to that worker."""
    resendable = Q(status__in=(Delivery.Status.PENDING, Delivery.Status.FAILED)) | Q(
        status=Delivery.Status.SENDING, claimed_until__lt=now
    )
    with transaction.atomic():
        ids = list(
            deliveries.filter(resendable)
            .order_by()
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            Delivery.objects.filter(pk__in=ids[start : start + BATCH]).update(
                status=Delivery.Status.PENDING,
                next_attempt_at=now,
                queued_at=now,
                claimed_until=None,
                failing_since=None,
            )
    return ids
