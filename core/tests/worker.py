"""A real Celery worker process for the tests of the PostgreSQL + Redis configuration: it uses
the test database and a queue of its own, so that nothing else takes its tasks."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu
from django.conf import settings
from django.db import connection

from config.celery_app import app


def worker_database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(log: Path, *, concurrency: int = 1, queue: str | None = None, **env):
    """Start a worker on a fresh queue (which also becomes this process's default queue), or on
    `queue`: a second worker taking over a dead one's."""
    assert connection.vendor == "postgresql", "a real worker needs a database it can share"
    queue = queue or f"portal-test-{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **env,
    }
    pool = ["--pool", "solo"] if concurrency == 1 else ["--pool", "prefork", "-c", str(concurrency)]
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, *pool,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield queue, worker
    finally:
        app.conf.task_default_queue = previous
        try:
            worker.terminate()
            worker.wait(timeout=30)
        finally:
            delete_queue(queue)


def delete_queue(queue: str) -> None:
    """Delete a test's queue and its bindings (`_kombu.binding.<queue>`), which Redis keeps with
    no expiry. Only this queue's: its exchange and routing key are named after it."""
    with app.connection_for_write() as connection_:
        bound = kombu.Queue(queue, kombu.Exchange(queue), routing_key=queue)(
            connection_.default_channel
        )
        bound.declare()  # a channel deletes only the bindings it knows of
        bound.delete()


def wait_for(condition, *, worker, log: Path, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{log.read_text()}"
        time.sleep(0.2)
