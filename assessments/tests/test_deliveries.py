"""Delivering reminders: claimed once, retried with growing intervals for days, re-queued when
lost (the fast half; the real worker, Redis and SMTP half is in test_worker.py)."""

import datetime
import socket

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import StreetStaffFactory, UserFactory
from assessments import deliveries, reminders, tasks
from assessments.models import Delivery, DeploymentTask, Notification
from assessments.tests.factories import make_cycle, make_delivery, make_version

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.timedelta


class Broken:
    name = "email"

    def reaches(self, user):
        return True

    def send(self, notification):
        raise ConnectionRefusedError("smtp down")


class Webhook:
    """A second channel that reaches everyone and records what it sent."""

    name = "webhook"
    sent: list[str] = []

    def reaches(self, user):
        return True

    def send(self, notification):
        Webhook.sent.append(notification.title)


@pytest.fixture
def broken_email(settings):
    settings.PORTAL_NOTIFICATION_CHANNELS = ["assessments.tests.test_deliveries.Broken"]


def test_a_delivery_is_claimed_once():
    delivery = make_delivery()
    now = timezone.now()
    assert deliveries.claim(delivery.pk, now=now)
    assert not deliveries.claim(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sending", 1)


def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(settings):
    delivery = make_delivery()
    now = timezone.now()
    assert deliveries.claim(delivery.pk, now=now)
    lease = T(seconds=settings.PORTAL_REMINDER_LEASE_SECONDS)
    assert not deliveries.claim(delivery.pk, now=now + lease - T(seconds=1))
    assert deliveries.claim(delivery.pk, now=now + lease + T(seconds=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_retry_is_not_claimed_before_its_time():
    delivery = make_delivery(next_attempt_at=timezone.now() + T(minutes=2))
    assert not deliveries.claim(delivery.pk, now=timezone.now())
    assert deliveries.claim(delivery.pk, now=timezone.now() + T(minutes=2))


def test_a_delivery_is_sent_once_however_often_it_runs():
    delivery = make_delivery()
    assert deliveries.deliver(delivery.pk) == "sent"
    assert deliveries.deliver(delivery.pk) == "skipped"
    assert [m.to for m in mail.outbox] == [[delivery.notification.recipient.email]]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("sent", 1, None)
    assert delivery.sent_at is not None


def test_a_delivery_claimed_by_a_live_worker_is_not_sent_again():
    delivery = make_delivery()
    assert deliveries.claim(delivery.pk, now=timezone.now())  # another worker is sending it
    assert deliveries.deliver(delivery.pk) == "skipped"
    assert mail.outbox == []


def test_retry_intervals_grow_and_go_on_for_three_days_then_stop(settings):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    settings.PORTAL_REMINDER_RETRY_MAX_INTERVAL_SECONDS = 6 * 3600
    settings.PORTAL_REMINDER_RETRY_DAYS = 3
    first_failure = timezone.now()
    attempt, intervals = first_failure, []
    while next_attempt := deliveries.retry_at(failing_since=first_failure, now=attempt):
        intervals.append(next_attempt - attempt)
        attempt = next_attempt
    assert intervals[:4] == [T(minutes=1), T(minutes=1), T(minutes=2), T(minutes=4)]
    assert intervals == sorted(intervals)
    assert max(intervals) == T(hours=6)
    # The last attempt is made three days or more after the first failure, and not much later.
    assert T(days=3) <= attempt - first_failure < T(days=3, hours=6)
    assert 15 <= len(intervals) <= 30


def test_a_failure_is_recorded_and_retried_later(broken_email, settings):
    settings.PORTAL_REMINDER_RETRY_SECONDS = 60
    delivery = make_delivery()
    before = timezone.now()
    assert deliveries.deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.last_error == "ConnectionRefusedError: smtp down"
    assert delivery.failing_since >= before
    assert delivery.next_attempt_at - delivery.failing_since >= T(seconds=60)
    assert delivery.claimed_until is None
    # A second run before the retry is due does nothing.
    assert deliveries.deliver(delivery.pk) == "skipped"


def test_a_mail_server_that_never_answers_fails_the_send_and_it_is_retried(settings):
    with socket.socket() as silent:  # accepts connections (the kernel does) and says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 1
        delivery = make_delivery()
        assert deliveries.deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_error.endswith("timed out")


def test_after_three_days_of_failures_the_delivery_stays_failed(broken_email):
    now = timezone.now()
    delivery = make_delivery(failing_since=now - T(days=3), attempts=19, next_attempt_at=now)
    assert deliveries.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 20)
    assert deliveries.take_due(now=timezone.now() + T(days=1)) == []


def test_the_requeue_pass_takes_what_is_due_and_not_on_its_way(settings):
    settings.PORTAL_REMINDER_REQUEUE_AFTER_SECONDS = 300
    settings.PORTAL_REMINDER_LEASE_SECONDS = 300
    now = timezone.now() + T(seconds=5)  # the pass runs a moment after these were made
    long_ago = now - T(minutes=10)
    just_queued = make_delivery(queued_at=now)
    never_queued = make_delivery(queued_at=None)
    lost = make_delivery(queued_at=long_ago)
    retry_due = make_delivery(queued_at=long_ago + T(minutes=5), next_attempt_at=now - T(seconds=1))
    retry_later = make_delivery(queued_at=long_ago, next_attempt_at=now + T(minutes=1))
    being_sent = make_delivery(status="sending", claimed_until=now + T(minutes=4))
    dead_worker = make_delivery(
        status="sending", queued_at=long_ago, claimed_until=now - T(seconds=1)
    )
    make_delivery(status="sent", queued_at=long_ago)
    make_delivery(status="failed", queued_at=long_ago)

    taken = deliveries.take_due(now=now)

    assert sorted(taken) == sorted([never_queued.pk, lost.pk, retry_due.pk, dead_worker.pk])
    assert just_queued.pk not in taken and retry_later.pk not in taken
    assert being_sent.pk not in taken
    # Handed over now: the next pass leaves them to the messages just published.
    assert deliveries.take_due(now=now + T(seconds=30)) == []
    # Five minutes on, whatever is still not sent is handed over again; the retry has come due
    # and the live worker's claim has expired.
    later = deliveries.take_due(now=now + T(minutes=6))
    assert sorted(later) == sorted(
        [d.pk for d in Delivery.objects.exclude(status__in=["sent", "failed"])]
    )
    assert retry_later.pk in later and being_sent.pk in later


def test_a_user_without_email_gets_the_reminder_but_no_delivery(branch, street_staff):
    UserFactory(username="noaddress", email="", role="street_staff")
    make_cycle(make_version(), [branch], deploy_due=D(2026, 3, 10))
    created = reminders.sweep(today=D(2026, 3, 4))
    recipients = Notification.objects.filter(pk__in=created).values_list("recipient__username")
    assert set(recipients) == {("staff",), ("noaddress",)}
    assert not Delivery.objects.exists()


def test_each_channel_is_a_delivery_of_its_own(branch, settings, eager_celery):
    settings.PORTAL_NOTIFICATION_CHANNELS = [
        "assessments.tests.test_deliveries.Broken",
        "assessments.tests.test_deliveries.Webhook",
    ]
    Webhook.sent = []
    StreetStaffFactory(username="mailme", email="mailme@example.org")
    make_cycle(make_version(), [branch], deploy_due=D(2026, 3, 10))
    created = reminders.sweep(today=D(2026, 3, 4))
    for delivery_id in deliveries.pending_of(created):
        tasks.deliver_reminder.apply(args=[delivery_id])
    statuses = set(Delivery.objects.values_list("channel", "status"))
    assert statuses == {("email", "pending"), ("webhook", "sent")}
    assert len(Webhook.sent) == len(created)
    # The e-mail's retry does not repeat the webhook.
    Delivery.objects.filter(channel="email").update(next_attempt_at=timezone.now())
    tasks.requeue_deliveries.apply()
    assert len(Webhook.sent) == len(created)
    emails = Delivery.objects.filter(channel="email")
    assert set(emails.values_list("attempts", flat=True)) == {2}


def test_the_sweep_asks_the_same_number_of_queries_however_many_are_due(branch):
    """Set-based: queries per batch of rows (up to 1,000; fewer on SQLite), not per reminder."""
    cycle = make_cycle(make_version(), [branch], deploy_due=D(2026, 3, 10))

    def sweep_with(staff: int, tasks_due: int, day: D) -> tuple[int, int]:
        for n in range(staff):
            StreetStaffFactory(email=f"s{day.month}-{n}@example.org")
        for n in range(tasks_due):
            DeploymentTask.objects.create(
                cycle=cycle, branch=branch, side="party", title=f"任务{n}", due_on=day
            )
        with CaptureQueriesContext(connection) as queries:
            created = reminders.sweep(today=day - T(days=3))
        return len(created), len(queries)

    few_reminders, few_queries = sweep_with(1, 1, D(2026, 4, 10))
    # Within one batch of deliveries on SQLite (999 parameters a statement: 62 rows of 16 fields).
    many_reminders, many_queries = sweep_with(3, 10, D(2026, 5, 10))
    assert many_reminders > 10 * few_reminders
    assert many_queries == few_queries


def test_no_claim_and_no_message_expires_under_a_live_task(settings):
    """A claim outlasts the delivery's hard time limit, Redis's visibility timeout outlasts
    every task, a message is given back when its worker dies, and an SMTP server that never
    answers fails the send before the task's soft limit."""
    from config.celery_app import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    deliver = tasks.deliver_reminder
    assert settings.EMAIL_TIMEOUT < deliver.soft_time_limit < deliver.time_limit
    assert deliver.time_limit < settings.PORTAL_REMINDER_LEASE_SECONDS
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > app.conf.task_time_limit > app.conf.task_soft_time_limit
    assert visibility > settings.PORTAL_REMINDER_LEASE_SECONDS
