"""The real worker of the PostgreSQL + Redis tests leaves nothing behind in Redis: kombu keeps a
queue's bindings (`_kombu.binding.<exchange>`) with no expiry, so every run would add some."""

import kombu
import pytest
from django.conf import settings

from config.celery_app import app
from core.tasks import clear_expired_sessions
from core.tests.worker import celery_worker, delete_queue, wait_for

pytestmark = [
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs a broker (Redis)"),
    pytest.mark.django_db(transaction=True),
]


def keys_naming(client, queue: str) -> set[bytes]:
    return set(client.scan_iter(match=f"*{queue}*"))


def test_the_worker_deletes_its_queue_and_bindings_and_only_those(tmp_path):
    with app.connection_for_write() as connection:
        client = connection.default_channel.client
        bystander = "portal-test-bystander"
        kombu.Queue(bystander, kombu.Exchange(bystander), routing_key=bystander)(
            connection.default_channel
        ).declare()
        try:
            log = tmp_path / "worker.log"
            with celery_worker(log) as (queue, worker):
                clear_expired_sessions.apply_async(queue=queue)
                wait_for(
                    lambda: (
                        "clear_expired_sessions" in log.read_text()
                        and "succeeded" in log.read_text()
                    ),
                    worker=worker,
                    log=log,
                    what="the worker to run the task",
                )
                assert f"_kombu.binding.{queue}".encode() in keys_naming(client, queue)

            assert keys_naming(client, queue) == set()
            assert f"_kombu.binding.{bystander}".encode() in keys_naming(client, bystander)
        finally:
            delete_queue(bystander)
        assert keys_naming(client, bystander) == set()


def test_a_tasks_log_lines_carry_the_request_id_that_enqueued_it(tmp_path):
    from core.observability import REQUEST_ID

    log = tmp_path / "worker.log"
    with celery_worker(log) as (queue, worker):
        token = REQUEST_ID.set("req-7e57c0ffee")
        try:
            clear_expired_sessions.apply_async(queue=queue)
        finally:
            REQUEST_ID.reset(token)
        wait_for(
            lambda: "succeeded" in log.read_text(),
            worker=worker,
            log=log,
            what="the worker to run the task",
        )
    lines = [line for line in log.read_text().splitlines() if "succeeded" in line]
    assert lines and "[req-7e57c0ffee]" in lines[0], log.read_text()
