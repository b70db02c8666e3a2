"""Celery: eager on the defaults; with a broker configured, a real worker process picks the task
off Redis and its effect is seen in the database."""

import datetime
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from core.tasks import clear_expired_sessions


def make_sessions() -> tuple[str, str]:
    now = timezone.now()
    Session.objects.create(
        session_key="expired" + "x" * 25, session_data="", expire_date=now - datetime.timedelta(1)
    )
    Session.objects.create(
        session_key="current" + "x" * 25, session_data="", expire_date=now + datetime.timedelta(1)
    )
    return "expired" + "x" * 25, "current" + "x" * 25


def worker_database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_clear_expired_sessions_runs_through_the_configured_broker(tmp_path):
    expired, current = make_sessions()

    if not settings.CELERY_BROKER_URL:
        assert settings.CELERY_TASK_ALWAYS_EAGER
        clear_expired_sessions.delay()
        assert not Session.objects.filter(session_key=expired).exists()
        assert Session.objects.filter(session_key=current).exists()
        return

    assert connection.vendor == "postgresql", "a real worker needs a database it can share"
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": worker_database_url(),
    }
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        clear_expired_sessions.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while Session.objects.filter(session_key=expired).exists():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, (
                "the worker did not run the task:\n" + log.read_text()
            )
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert Session.objects.filter(session_key=current).exists()
    assert "clear_expired_sessions" in log.read_text()


@pytest.mark.django_db
def test_the_daily_clean_up_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.tasks.clear_expired_sessions")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
