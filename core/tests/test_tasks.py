"""Celery: eager on the defaults; with a broker configured, a real worker process picks the task
off Redis and its effect is seen in the database."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions
from core.tests.worker import celery_worker, wait_for


def make_sessions() -> tuple[str, str]:
    now = timezone.now()
    Session.objects.create(
        session_key="expired" + "x" * 25, session_data="", expire_date=now - datetime.timedelta(1)
    )
    Session.objects.create(
        session_key="current" + "x" * 25, session_data="", expire_date=now + datetime.timedelta(1)
    )
    return "expired" + "x" * 25, "current" + "x" * 25


@pytest.mark.django_db(transaction=True)
def test_clear_expired_sessions_runs_through_the_configured_broker(tmp_path):
    expired, current = make_sessions()

    if not settings.CELERY_BROKER_URL:
        assert settings.CELERY_TASK_ALWAYS_EAGER
        clear_expired_sessions.delay()
        assert not Session.objects.filter(session_key=expired).exists()
        assert Session.objects.filter(session_key=current).exists()
        return

    log = tmp_path / "worker.log"
    with celery_worker(log) as (queue, worker):
        clear_expired_sessions.apply_async(queue=queue)
        wait_for(
            lambda: not Session.objects.filter(session_key=expired).exists(),
            worker=worker,
            log=log,
            what="the worker to run the task",
        )
    assert Session.objects.filter(session_key=current).exists()
    assert "clear_expired_sessions" in log.read_text()


@pytest.mark.django_db
def test_the_daily_clean_up_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.tasks.clear_expired_sessions")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
