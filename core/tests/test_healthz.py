from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


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


def database_unreachable():
    """Every new query fails as it does when PostgreSQL is stopped or restarting."""
    return mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=OperationalError("connection to server failed: Connection refused"),
    )


def test_database_unreachable_is_503_without_a_session_cookie(client):
    with database_unreachable():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert "OperationalError" in response.json()["reasons"][0]


def test_database_unreachable_is_503_with_a_session_cookie(staff_client):
    # The session cookie makes the auth middleware load the session from the database before
    # any view runs: /healthz must answer before that.
    assert staff_client.cookies["sessionid"].value
    staff_client.raise_request_exception = False
    with database_unreachable():
        response = staff_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_a_page_other_than_healthz_still_needs_the_database(staff_client):
    """Only /healthz is answered early: the same outage on any page is still an error page."""
    staff_client.raise_request_exception = False
    with database_unreachable():
        response = staff_client.get(reverse("projects:list"))
    assert response.status_code == 500


def test_healthz_checks_the_host_like_every_page(client):
    assert client.get(reverse("healthz"), HTTP_HOST="evil.example.com").status_code == 400


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
