"""The outbox: a job is a row written with the change that asks for it, handed to the broker
after commit, and handed again by the periodic pass when the broker was down."""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery_app import app
from core import outbox
from core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "core.tasks.clear_expired_sessions"  # any registered task with a visible effect


def expired_session():
    return Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )


def test_a_job_runs_after_commit_and_is_marked_handed(eager_celery):
    expired_session()
    job = outbox.enqueue(TASK)  # outside a transaction: committed at once
    job.refresh_from_db()
    assert job.status == Job.Status.HANDED and job.attempts == 1
    assert not Session.objects.exists()


def test_a_broker_that_is_down_leaves_the_job_waiting_and_answers_at_once(broker_down):
    started = time.monotonic()
    job = outbox.enqueue(TASK)
    assert time.monotonic() - started < 3
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert "Connection refused" in job.last_error or "connecting" in job.last_error
    assert outbox.waiting_count() == 1


def test_the_pass_hands_over_what_waited_once_the_broker_is_back(broker_down):
    expired_session()
    job = outbox.enqueue(TASK)
    # still down: the pass stops at the first refusal and keeps the job
    assert outbox.hand_over_waiting(older_than=datetime.timedelta(0)) == 0
    app.conf.task_always_eager = True  # the broker is back (here: tasks run in this process)
    assert outbox.hand_over_waiting() == 0, "a fresh job is left to its own hand-over"
    assert outbox.hand_over_waiting(older_than=datetime.timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.HANDED and job.attempts == 3  # asked, refused, handed
    assert not Session.objects.exists()


def test_a_job_is_claimed_before_it_is_handed_so_two_passes_hand_it_once(eager_celery):
    job = Job.objects.create(task=TASK)
    assert outbox.hand_over(job_id=job.pk) is True
    assert outbox.hand_over(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_hand_over_cut_short_is_taken_up_after_its_lease(eager_celery):
    claimed_long_ago = timezone.now() - outbox.HANDING_LEASE - datetime.timedelta(seconds=1)
    cut_short = Job.objects.create(task=TASK, status=Job.Status.HANDING, handed_at=claimed_long_ago)
    in_hand = Job.objects.create(task=TASK, status=Job.Status.HANDING, handed_at=timezone.now())
    assert outbox.hand_over_waiting(older_than=datetime.timedelta(0)) == 1
    cut_short.refresh_from_db()
    in_hand.refresh_from_db()
    assert cut_short.status == Job.Status.HANDED
    assert in_hand.status == Job.Status.HANDING


def test_handed_jobs_are_pruned_after_a_month(eager_celery):
    old = Job.objects.create(
        task=TASK,
        status=Job.Status.HANDED,
        handed_at=timezone.now() - outbox.KEEP_HANDED - datetime.timedelta(days=1),
    )
    recent = Job.objects.create(task=TASK, status=Job.Status.HANDED, handed_at=timezone.now())
    outbox.hand_over_waiting()
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Job.objects.filter(pk=old.pk).exists()


def test_committee_staff_see_waiting_jobs_and_hand_them_over_again(
    client, committee_admin, broker_down
):
    job = outbox.enqueue(TASK)
    client.force_login(committee_admin)
    page = client.get("/admin/core/job/").content.decode()
    assert "Connection refused" in page or "connecting" in page
    app.conf.task_always_eager = True  # the queue is back
    response = client.post(
        "/admin/core/job/",
        {"action": "hand_over_again", "_selected_action": [job.pk]},
        follow=True,
    )
    assert "1 个任务已交给队列" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.HANDED
    assert client.get(f"/admin/core/job/{job.pk}/change/").status_code == 200  # read-only view
