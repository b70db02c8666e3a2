"""Reminders through a real worker on Redis (the PostgreSQL + Redis run of .ci/run); on the
embedded defaults the same tasks run eagerly."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import StreetStaffFactory, UserFactory
from assessments import tasks
from assessments.models import Notification
from assessments.tests.factories import make_cycle, make_version
from branches.tests.factories import BranchFactory, SeatFactory
from core.tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due_cycle():
    """A cycle whose deployment deadline is three days away, with two people to remind."""
    today = timezone.localdate()
    branch = BranchFactory(established_on=today - datetime.timedelta(days=10))
    secretary = UserFactory(username="sec", email="sec@example.org")
    SeatFactory(branch=branch, user=secretary, started_on=today - datetime.timedelta(days=10))
    StreetStaffFactory(username="staff", email="staff@example.org")
    return make_cycle(
        make_version(),
        [branch],
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=60),
        deploy_due=today + datetime.timedelta(days=3),
        inspect_due=today + datetime.timedelta(days=30),
        assess_due=today + datetime.timedelta(days=60),
    )


def test_two_concurrent_sweeps_send_each_reminder_once(due_cycle, tmp_path):
    if not settings.CELERY_BROKER_URL:
        tasks.sweep_reminders.delay()
        tasks.sweep_reminders.delay()
        assert Notification.objects.filter(event="phase_deadline").count() == 2
        assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
        return

    outbox = tmp_path / "mail"
    outbox.mkdir()
    log = tmp_path / "worker.log"
    env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(outbox),
    }
    with celery_worker(log, concurrency=2, **env) as (_queue, worker):
        tasks.sweep_reminders.delay()
        tasks.sweep_reminders.delay()
        wait_for(
            lambda: Notification.objects.exists()
            and not Notification.objects.filter(email_status="pending").exists()
            and log.read_text().count("sweep_reminders") >= 4,  # both received and done
            worker=worker,
            log=log,
            what="both sweeps and their deliveries",
        )
    phase = Notification.objects.filter(event="phase_deadline")
    assert sorted(phase.values_list("recipient__username", flat=True)) == ["sec", "staff"]
    sent = Notification.objects.filter(email_status="sent")
    assert sent.count() == Notification.objects.count()
    assert set(sent.values_list("email_attempts", flat=True)) == {1}
    messages = [p.read_text() for p in outbox.iterdir()]
    assert sum(m.count("Subject:") for m in messages) == sent.count()


def test_an_smtp_failure_is_retried_then_recorded(due_cycle, tmp_path, settings):
    # Port 9 on loopback: nothing listens there, every attempt is refused.
    if not settings.CELERY_BROKER_URL:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
        tasks.sweep_reminders.delay()
    else:
        log = tmp_path / "worker.log"
        env = {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": "9",
            "PORTAL_REMINDER_RETRY_SECONDS": "0",
        }
        with celery_worker(log, **env) as (_queue, worker):
            tasks.sweep_reminders.delay()
            wait_for(
                lambda: Notification.objects.exists()
                and not Notification.objects.filter(email_status="pending").exists(),
                worker=worker,
                log=log,
                what="the deliveries to fail",
            )
    failed = Notification.objects.filter(email_status="failed")
    assert failed.count() == Notification.objects.count()
    assert set(failed.values_list("email_attempts", flat=True)) == {
        settings.PORTAL_REMINDER_ATTEMPTS
    }
    assert all(
        "Connection" in error or "refused" in error
        for error in failed.values_list("email_error", flat=True)
    )
