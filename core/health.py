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


def may_see_health_detail(request) -> bool:
    """The state of the database and broker is for logged-in staff and for monitors that carry
    `Authorization: Bearer <PORTAL_HEALTH_TOKEN>`; an anonymous caller learns only ok or not."""
    user = getattr(request, "user", None)
    # core sits below accounts, so the roles are named here by their stored values.
    staff_roles = {"street_staff", "committee_admin"}
    if (
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or getattr(user, "role", "") in staff_roles)
    ):
        return True
    token = settings.PORTAL_HEALTH_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(presented.strip().encode(), token.encode())
    )
