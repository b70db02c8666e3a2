"""Reminders under faults, counted at a real SMTP server on 127.0.0.1.

On the PostgreSQL + Redis run of .ci/run the faults are real: a Celery worker process killed
with SIGKILL while the sweep is queueing, the same delivery run twice at once by two worker
processes, the mail server down for longer than the first retry. On the embedded defaults
(tasks run eagerly in this process) the same faults are replayed in-process."""

import datetime
import re
import time
from collections import Counter

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StreetStaffFactory, UserFactory
from assessments import tasks
from assessments.models import Delivery
from assessments.tests.factories import make_cycle, make_delivery, make_version
from branches.tests.factories import BranchFactory, SeatFactory
from core.tests.smtp import free_port, smtp_sink
from core.tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def on_a_real_worker() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def smtp_to(port: int, **more: str) -> dict[str, str]:
    """The environment of a worker that sends its e-mail to 127.0.0.1:port."""
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        **more,
    }


def send_here_to(settings, port: int) -> None:
    """The same, for tasks run eagerly in this process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port


def each_delivery_once() -> Counter:
    """What the SMTP server must have accepted: every delivery once, by address and title."""
    return Counter(
        Delivery.objects.values_list("notification__recipient__email", "notification__title")
    )


class Every:
    """Calls `action` at most once every `seconds` while a wait_for condition is polled."""

    def __init__(self, seconds: float, action):
        self.seconds, self.action, self.last = seconds, action, 0.0

    def __call__(self) -> None:
        if time.monotonic() - self.last >= self.seconds:
            self.last = time.monotonic()
            self.action()


def requeue_pass() -> None:
    """What beat does every minute: the worker runs the re-queue pass."""
    tasks.requeue_deliveries.delay()


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


@pytest.fixture
def crowd(due_cycle):
    """Three hundred more street staff with an address: each is reminded of the deadline."""
    User.objects.bulk_create(
        User(
            username=f"staff{n:03}",
            email=f"staff{n:03}@example.org",
            role=User.Role.STREET_STAFF,
            password="!",
        )
        for n in range(300)
    )


class WorkerKilled(BaseException):
    pass


SWEPT_NOTHING = re.compile(r"sweep_reminders\[[-0-9a-f]+\] succeeded in [0-9.]+s: 0\b")


def test_a_worker_killed_while_the_sweep_queues_loses_no_reminder_and_sends_none_twice(
    crowd, tmp_path, settings, monkeypatch
):
    with smtp_sink() as (sink, port):
        if not on_a_real_worker():
            send_here_to(settings, port)
            hand_over = tasks.hand_over

            def dies_after_fifty(delivery_ids):
                hand_over(delivery_ids[:50])
                raise WorkerKilled

            monkeypatch.setattr(tasks, "hand_over", dies_after_fifty)
            with pytest.raises(WorkerKilled):
                tasks.sweep_reminders.delay()
            monkeypatch.undo()
            assert sink.accepted == 50
            settings.PORTAL_REMINDER_REQUEUE_AFTER_SECONDS = 0  # minutes later
            requeue_pass()
            tasks.sweep_reminders.delay()  # the sweep's message, given back to the queue
        else:
            first_log, second_log = tmp_path / "killed.log", tmp_path / "worker.log"
            broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            with celery_worker(first_log, **smtp_to(port)) as (queue, first):
                tasks.sweep_reminders.delay()
                # Kill it once the sweep has committed and the first deliveries are on the queue.
                deadline = time.monotonic() + 60
                while not (broker.llen(queue) and Delivery.objects.exists()):
                    assert first.poll() is None, first_log.read_text()
                    assert time.monotonic() < deadline, first_log.read_text()
                first.kill()
                first.wait()
                published = broker.llen(queue)
                total = Delivery.objects.count()
                assert total > 300
                assert published < total, "killed too late: every delivery was queued"
                assert sink.accepted == 0
                # A new worker on the same queue. With a visibility timeout of one second it
                # also takes back the dead worker's sweep, still unacknowledged, and runs it
                # again, as Redis would after the production timeout.
                env = smtp_to(
                    port, PORTAL_REMINDER_REQUEUE_AFTER_SECONDS="1", CELERY_VISIBILITY_TIMEOUT="1"
                )
                with celery_worker(second_log, queue=queue, **env) as (_queue, second):
                    passes = Every(1, requeue_pass)

                    def everything_sent() -> bool:
                        passes()
                        return not Delivery.objects.exclude(status="sent").exists()

                    wait_for(
                        everything_sent,
                        worker=second,
                        log=second_log,
                        what="every delivery sent after the kill",
                    )
                    assert "requeue_deliveries" in second_log.read_text()
                    # The dead worker's sweep comes back once Redis restores its unacknowledged
                    # message (kombu does so on its own clock); if it has not yet, send it again
                    # as that redelivery would. Either way it finds nothing new to send.
                    if not SWEPT_NOTHING.search(second_log.read_text()):
                        tasks.sweep_reminders.delay()
                    wait_for(
                        lambda: bool(SWEPT_NOTHING.search(second_log.read_text())),
                        worker=second,
                        log=second_log,
                        what="the sweep run again, sending nothing",
                    )
    assert sink.counts() == each_delivery_once()
    assert sink.accepted == Delivery.objects.count() > 300


def test_the_same_delivery_run_twice_at_once_sends_one_message(tmp_path, settings):
    pending = [make_delivery() for _ in range(20)]
    if not on_a_real_worker():
        with smtp_sink() as (sink, port):
            send_here_to(settings, port)
            for delivery in pending:
                tasks.deliver_reminder.delay(delivery.pk)
                tasks.deliver_reminder.delay(delivery.pk)
    else:
        log = tmp_path / "worker.log"
        # The server takes half a second over each message: the second run of a delivery starts
        # while the first is still talking to it.
        with (
            smtp_sink(delay=0.5) as (sink, port),
            celery_worker(log, concurrency=4, **smtp_to(port)) as (_queue, worker),
        ):
            for delivery in pending:
                tasks.deliver_reminder.delay(delivery.pk)
                tasks.deliver_reminder.delay(delivery.pk)
            wait_for(
                lambda: log.read_text().count("succeeded") == 40,
                worker=worker,
                log=log,
                what="both runs of every delivery",
            )
    assert sink.counts() == each_delivery_once()
    assert sink.accepted == 20
    if on_a_real_worker():
        assert log.read_text().count("'skipped'") == 20
    assert set(Delivery.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_smtp_down_longer_than_the_first_retry_then_up_delivers_each_once(
    due_cycle, tmp_path, settings
):
    port = free_port()  # nothing listens there yet: every attempt is refused
    deliveries = Delivery.objects.all()

    def all_attempted(times: int) -> bool:
        return deliveries.exists() and not deliveries.filter(attempts__lt=times).exists()

    if not on_a_real_worker():
        send_here_to(settings, port)
        tasks.sweep_reminders.delay()
        assert all_attempted(1)
        deliveries.update(next_attempt_at=timezone.now())  # the first retry comes due …
        requeue_pass()
        assert all_attempted(2)  # … and fails: still down
        with smtp_sink(port) as (sink, _port):
            deliveries.update(next_attempt_at=timezone.now())
            requeue_pass()
    else:
        log = tmp_path / "worker.log"
        env = smtp_to(port, PORTAL_REMINDER_RETRY_SECONDS="2")
        with celery_worker(log, **env) as (_queue, worker):
            passes = Every(1, requeue_pass)
            tasks.sweep_reminders.delay()
            wait_for(lambda: all_attempted(1), worker=worker, log=log, what="first attempts")
            assert not deliveries.filter(status="sent").exists()
            # Still down when the first retry comes due: it fails too.
            wait_for(lambda: passes() or all_attempted(2), worker=worker, log=log, what="retries")
            with smtp_sink(port) as (sink, _port):
                wait_for(
                    lambda: passes() or not deliveries.exclude(status="sent").exists(),
                    worker=worker,
                    log=log,
                    what="the deliveries once the server is back",
                )
    assert sink.counts() == each_delivery_once()
    assert set(deliveries.values_list("status", "last_error")) == {("sent", "")}
    assert all_attempted(3)


def test_two_concurrent_sweeps_send_each_reminder_once(due_cycle, tmp_path, settings):
    with smtp_sink() as (sink, port):
        if not on_a_real_worker():
            send_here_to(settings, port)
            tasks.sweep_reminders.delay()
            tasks.sweep_reminders.delay()
        else:
            log = tmp_path / "worker.log"
            with celery_worker(log, concurrency=2, **smtp_to(port)) as (_queue, worker):
                tasks.sweep_reminders.delay()
                tasks.sweep_reminders.delay()
                wait_for(
                    lambda: (
                        Delivery.objects.exists()
                        and not Delivery.objects.exclude(status="sent").exists()
                        and log.read_text().count("sweep_reminders") >= 4
                    ),  # both received and done
                    worker=worker,
                    log=log,
                    what="both sweeps and their deliveries",
                )
    phase = Delivery.objects.filter(notification__event="phase_deadline")
    assert sorted(phase.values_list("notification__recipient__username", flat=True)) == [
        "sec",
        "staff",
    ]
    assert sink.counts() == each_delivery_once()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
