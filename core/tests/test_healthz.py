from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
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
    # Without the database nobody's session can be checked: the detail is for the token then.
    assert response.json() == {"status": "unavailable"}


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


def test_staff_see_the_detail_without_the_middleware_chain_having_run(staff_client):
    """/healthz is answered before the session middleware: the staff session is read by the
    health check itself."""
    assert "sessionid" in staff_client.cookies
    assert staff_client.get(reverse("healthz")).json()["database"] == "ok"
