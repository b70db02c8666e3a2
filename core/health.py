"""Readiness checks for /healthz: the database always, the broker when one is configured."""

import hmac

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    """None when the database answers, else the reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is a reason to report
        return f"database: {type(exc).__name__}: {exc}".strip()
    return None


def check_broker() -> str | None:
    """None when no broker is configured (tasks run eagerly) or it accepts a connection."""
    if not settings.CELERY_BROKER_URL:
        return None
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"broker: {type(exc).__name__}: {exc}".strip()
    return None


def may_see_health_detail(request, *, database_up: bool) -> bool:
    """The state of the database and broker is for monitors that carry
    `Authorization: Bearer <PORTAL_HEALTH_TOKEN>`, and for logged-in staff while the database
    answers (their session is kept there); an anonymous caller learns only ok or not."""
    token = settings.PORTAL_HEALTH_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    bearer = scheme.lower() == "bearer" and presented.strip()
    if token and bearer and hmac.compare_digest(bearer.encode(), token.encode()):
        return True
    if not database_up:
        return False
    user = _session_user(request)
    # core sits below accounts, so the roles are named here by their stored values.
    staff_roles = {"street_staff", "committee_admin"}
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or getattr(user, "role", "") in staff_roles)
    )


def _session_user(request):
    """The request's logged-in user. /healthz is answered before the session and
    authentication middleware (core.middleware.HealthzFirstMiddleware), so the session is read
    here, and only once the database is known to answer."""
    user = getattr(request, "user", None)
    if user is not None:
        return user
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return None
    from importlib import import_module

    from django.contrib.auth import get_user

    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
    try:
        return get_user(request)
    except Exception:  # noqa: BLE001 - a session that cannot be read is no log-in
        return None
