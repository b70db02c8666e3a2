"""A broker outage never turns an archive request into a 500: the request is saved, the page
says the archive will be built when the queue is back, and it is built after the outage."""

import datetime
import shutil
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from branches.models import Archive
from config.celery_app import app
from core import outbox
from core.models import Job
from core.tests.net import OwnRedis
from core.tests.worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def request_archive(staff_client, branch):
    started = time.monotonic()
    response = staff_client.post(reverse("branches:archive_request", args=[branch.pk]), follow=True)
    return response, time.monotonic() - started


def test_an_archive_asked_for_while_the_broker_is_down_is_built_once_it_is_back(
    staff_client, branch, broker_down, tmp_path
):
    real = connection.vendor == "postgresql" and settings.CELERY_BROKER_URL
    redis = OwnRedis(broker_down)
    if real:
        assert shutil.which("redis-server"), "the PostgreSQL + Redis run needs redis-server"
        redis.start()
        redis.stop()  # the broker is down

    response, seconds = request_archive(staff_client, branch)

    assert response.status_code == 200
    assert seconds < 3
    page = response.content.decode()
    assert "队列恢复" in page  # the message: built as soon as the queue is back
    item = Archive.objects.get(branch=branch)
    assert item.status == Archive.Status.QUEUED and item.waiting_for_queue
    assert item.job.status == Job.Status.PENDING

    if not real:
        app.conf.task_always_eager = True  # the queue is back: tasks run in this process
        assert outbox.hand_over_waiting(older_than=datetime.timedelta(0)) == 1
    else:
        redis.start()
        log = tmp_path / "worker.log"
        try:
            with celery_worker(log, CELERY_BROKER_URL=f"redis://127.0.0.1:{broker_down}/0") as (
                _queue,
                worker,
            ):
                assert outbox.hand_over_waiting(older_than=datetime.timedelta(0)) == 1
                wait_for(
                    lambda: Archive.objects.filter(pk=item.pk, status="done").exists(),
                    worker=worker,
                    log=log,
                    what="the archive built after the outage",
                )
        finally:
            redis.stop()
    item.refresh_from_db()
    assert item.status == Archive.Status.DONE and item.file
    assert not item.waiting_for_queue
