"""The Prometheus endpoint: only with the token; request metrics and the portal's own state."""

import datetime
import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Delivery
from assessments.tests.factories import make_delivery
from core.models import Job
from home.metrics import celery_queue_depth

TOKEN = "s3cret-metrics-token-for-tests"


@pytest.fixture
def token(settings):
    settings.PORTAL_METRICS_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def value(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


@pytest.mark.django_db
def test_without_a_token_configured_there_is_no_endpoint(client, settings):
    settings.PORTAL_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "Bearer wrong", f"Bearer {TOKEN}x", TOKEN[:-1]])
def test_a_wrong_token_gets_404(client, token, given):
    assert client.get("/metrics", headers={"Authorization": given}).status_code == 404


@pytest.mark.django_db
def test_a_logged_in_user_without_the_token_gets_404(staff_client, token):
    assert staff_client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_requests_and_queries_by_view(client, staff_client, token):
    staff_client.get(reverse("members:list"))
    response = client.get("/metrics", headers=token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    labels = '{method="GET",status="200",view="members:list"}'
    assert value(text, "portal_http_requests_total", labels) >= 1
    assert value(text, "portal_db_queries_total", '{view="members:list"}') >= 1
    assert 'portal_http_request_duration_seconds_bucket{le="0.3",view="members:list"}' in text
    assert "portal_db_queries_per_request_bucket" in text


@pytest.mark.django_db
def test_the_outbox_and_the_deliveries_as_they_stand(client, token):
    text = client.get("/metrics", headers=token).content.decode()
    assert value(text, "portal_outbox_waiting_jobs") == 0
    assert value(text, "portal_outbox_oldest_waiting_seconds") == 0
    assert value(text, "portal_reminder_deliveries", '{status="failed"}') == 0

    Job.objects.create(task="t", created_at=timezone.now() - datetime.timedelta(minutes=10))
    Job.objects.create(task="t", status=Job.Status.HANDED)
    make_delivery(status=Delivery.Status.FAILED)
    make_delivery(status=Delivery.Status.FAILED)
    make_delivery()
    make_delivery(status=Delivery.Status.SENT)
    text = client.get("/metrics", headers=token).content.decode()
    assert value(text, "portal_outbox_waiting_jobs") == 1
    assert 595 < value(text, "portal_outbox_oldest_waiting_seconds") < 700
    assert value(text, "portal_reminder_deliveries", '{status="failed"}') == 2
    assert value(text, "portal_reminder_deliveries", '{status="pending"}') == 1
    assert value(text, "portal_reminder_deliveries", '{status="sending"}') == 0
    assert value(text, "portal_reminders_failing") == 2


@pytest.mark.django_db
def test_a_broker_that_is_down_reads_as_down(client, token, broker_down, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{broker_down}/0"
    text = client.get("/metrics", headers=token).content.decode()
    assert value(text, "portal_broker_up") == 0
    assert "portal_celery_queue_depth" not in text


@pytest.fixture
def own_redis():
    """A Redis of the test's own on a free port (never the machine's shared one)."""
    import redis

    from core.tests.net import OwnRedis, free_port

    server = OwnRedis(free_port())
    server.start()
    try:
        yield server.port, redis.Redis(port=server.port)
    finally:
        server.stop()


def test_the_queue_depth_counts_every_priority_of_the_queue(own_redis):
    port, client = own_redis
    client.rpush("celery", "a", "b")
    client.rpush("celery\x06\x163", "c")
    client.rpush("other", "d")
    assert celery_queue_depth(f"redis://127.0.0.1:{port}/0", "celery") == 3
    assert celery_queue_depth(f"redis://127.0.0.1:{port}/0", "empty") == 0


def test_a_redis_that_is_gone_has_no_depth():
    from core.tests.net import free_port

    assert celery_queue_depth(f"redis://127.0.0.1:{free_port()}/0", "celery") is None


@pytest.mark.django_db
def test_the_endpoint_shows_the_queue_depth_when_redis_answers(client, token, own_redis, settings):
    port, redis_client = own_redis
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_TASK_DEFAULT_QUEUE = "celery"
    redis_client.rpush("celery", "a", "b")
    text = client.get("/metrics", headers=token).content.decode()
    assert value(text, "portal_broker_up") == 1
    assert value(text, "portal_celery_queue_depth", '{queue="celery"}') == 2


def test_gunicorn_gathers_every_workers_metrics(monkeypatch, tmp_path):
    """config/gunicorn.py sets the multiprocess folder before the app is loaded, empties it at
    start and marks an exited worker's files dead."""
    import runpy

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    config = runpy.run_path("config/gunicorn.py")
    folder = tmp_path / "portal-metrics"
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(folder)
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    config["on_starting"](None)
    assert folder.is_dir() and not any(folder.iterdir())
    (folder / "gauge_livesum_99.db").write_bytes(b"")
    config["child_exit"](None, type("Worker", (), {"pid": 99})())
    assert not (folder / "gauge_livesum_99.db").exists()
