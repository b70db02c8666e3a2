"""The move of each reminder's e-mail state onto its delivery (0004_reminder_deliveries)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("assessments", "0003_score_evidence_label")]
AFTER = [("assessments", "0004_reminder_deliveries")]


@pytest.mark.django_db(transaction=True)
def test_email_states_become_deliveries_and_recent_failures_are_retried():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="u", email="u@example.org")
    Notification = old.get_model("assessments", "Notification")
    now = timezone.now()
    hour_ago, long_ago = now - datetime.timedelta(hours=1), now - datetime.timedelta(days=40)
    rows = {
        "sent": ("sent", 1, "", now),
        "recent-failure": ("failed", 4, "SMTPConnectError: down", hour_ago),
        "recent-pending": ("pending", 0, "", hour_ago),
        "old-pending": ("pending", 0, "", long_ago),
        "no-address": ("none", 0, "", now),
    }
    for key, (status, attempts, error, created_at) in rows.items():
        notification = Notification.objects.create(
            recipient=user, key=key, event="task_due", stage="7d", title=key,
            email_status=status, email_attempts=attempts, email_error=error,
        )  # fmt: skip
        Notification.objects.filter(pk=notification.pk).update(created_at=created_at)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    deliveries = {
        d.notification.key: d
        for d in new.get_model("assessments", "Delivery").objects.select_related("notification")
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert set(deliveries) == {"sent", "recent-failure", "recent-pending", "old-pending"}
    assert {d.channel for d in deliveries.values()} == {"email"}
    assert deliveries["sent"].status == "sent"
    failure = deliveries["recent-failure"]
    assert (failure.status, failure.attempts, failure.last_error) == (
        "pending",
        4,
        "SMTPConnectError: down",
    )
    assert failure.failing_since is not None
    assert (deliveries["recent-pending"].status, deliveries["recent-pending"].failing_since) == (
        "pending",
        None,
    )
    assert deliveries["old-pending"].status == "failed"
    assert deliveries["old-pending"].last_error
