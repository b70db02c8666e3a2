from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOKEN = "monitor-token-123"


@pytest.fixture
def client(client, settings):
    """A monitor that carries the health token, so it is told the detail."""
    settings.PORTAL_HEALTH_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


def test_healthy(client, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    if not settings.CELERY_BROKER_URL:
        assert body["broker"].startswith("not configured")
    else:
        assert body["broker"] == "ok"


def test_database_down_is_503_with_the_reason(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=RuntimeError("connection refused"),
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "down"
    assert "connection refused" in body["reasons"][0]


def test_unreachable_broker_is_503_with_the_reason(client, settings):
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "down"
    assert body["database"] == "ok"
    assert any(reason.startswith("broker") for reason in body["reasons"])


def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get(reverse("healthz"))["Cache-Control"]


def test_anonymous_caller_learns_only_ok(settings):
    settings.PORTAL_HEALTH_TOKEN = TOKEN
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_anonymous_caller_learns_only_unavailable_when_the_database_is_down(settings):
    settings.PORTAL_HEALTH_TOKEN = TOKEN
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=RuntimeError("connection refused"),
    ):
        response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_wrong_token_gets_no_detail(settings):
    settings.PORTAL_HEALTH_TOKEN = TOKEN
    response = Client(HTTP_AUTHORIZATION="Bearer guess").get(reverse("healthz"))
    assert response.json() == {"status": "ok"}


def test_no_token_configured_means_no_detail_for_an_empty_bearer(settings):
    settings.PORTAL_HEALTH_TOKEN = ""
    response = Client(HTTP_AUTHORIZATION="Bearer ").get(reverse("healthz"))
    assert response.json() == {"status": "ok"}


def test_logged_in_staff_see_the_detail(staff_client):
    body = staff_client.get(reverse("healthz")).json()
    assert body["database"] == "ok"


def test_a_secretary_sees_no_detail(secretary_client):
    assert secretary_client.get(reverse("healthz")).json() == {"status": "ok"}
