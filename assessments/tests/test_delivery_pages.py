"""The page of undelivered reminders: street staff see every failed and long-pending delivery,
page by page, and resend one or all; secretaries are refused."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Delivery
from assessments.selectors import failing_reminder_count
from assessments.tests.factories import make_delivery

pytestmark = pytest.mark.django_db
T = datetime.timedelta
URL = reverse("assessments:deliveries")


def failed(**fields) -> Delivery:
    an_hour_ago = timezone.now() - T(hours=1)
    delivery = make_delivery(
        status="failed",
        attempts=21,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        failing_since=an_hour_ago - T(days=3),
        **fields,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=an_hour_ago - T(days=3))
    return delivery


def pending_since(minutes: int, **fields) -> Delivery:
    delivery = make_delivery(**fields)
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - T(minutes=minutes))
    return delivery


def test_staff_see_failed_and_long_pending_deliveries_with_their_error(staff_client):
    gave_up = failed()
    retrying = pending_since(30, attempts=3, last_error="ConnectionRefusedError: refused")
    fresh = pending_since(1)
    sent = pending_since(30, status="sent")

    page = staff_client.get(URL)

    assert page.status_code == 200
    shown = list(page.context["page"])
    assert shown == [gave_up, retrying]
    html = page.content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert "ConnectionRefusedError: refused" in html
    assert gave_up.notification.recipient.email in html
    assert fresh not in shown and sent not in shown
    assert "共 2 条" in html


def test_the_list_is_paginated_fifty_a_page_with_the_total(staff_client):
    for _ in range(51):
        failed()
    first = staff_client.get(URL)
    second = staff_client.get(URL, {"page": 2})
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 1
    assert "共 51 条" in first.content.decode()
    assert "?page=2" in first.content.decode()


def test_the_page_asks_as_many_queries_for_fifty_rows_as_for_two(staff_client):
    failed(), failed()
    with CaptureQueriesContext(connection) as small:
        staff_client.get(URL)
    for _ in range(48):
        failed()
    with CaptureQueriesContext(connection) as large:
        staff_client.get(URL)
    assert len(large) == len(small)


def test_staff_resend_one_delivery(staff_client, django_capture_on_commit_callbacks, eager_celery):
    delivery = failed()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("assessments:delivery_resend", args=[delivery.pk]), {"page": "1"}
        )
    assert response.status_code == 302
    assert response.url == f"{URL}?page=1"
    delivery.refresh_from_db()
    # Handed over after the commit and, run here at once, sent.
    assert [m.to for m in mail.outbox] == [[delivery.notification.recipient.email]]
    assert delivery.status == "sent"
    assert delivery.attempts == 22


def test_a_resend_after_three_days_of_failure_starts_a_new_series_of_retries(
    staff_client, settings, django_capture_on_commit_callbacks, eager_celery
):
    settings.PORTAL_NOTIFICATION_CHANNELS = ["assessments.tests.test_deliveries.Broken"]
    delivery = failed()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("assessments:delivery_resend", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "pending"  # failed again, retried again later
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.failing_since > timezone.now() - T(minutes=1)


def test_a_delivery_being_sent_is_not_resent(
    staff_client, django_capture_on_commit_callbacks, eager_celery
):
    delivery = pending_since(30, status="sending", claimed_until=timezone.now() + T(minutes=4))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("assessments:delivery_resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "sending"
    assert mail.outbox == []


def test_staff_resend_every_failing_delivery(
    staff_client, django_capture_on_commit_callbacks, eager_celery
):
    failing = [failed(), failed(), pending_since(30)]
    pending_since(1)  # on its way: not part of "all"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("assessments:deliveries_resend"))
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {d.notification.recipient.email for d in failing}
    assert failing_reminder_count() == 0


def test_resending_is_a_post(staff_client):
    delivery = failed()
    url = reverse("assessments:delivery_resend", args=[delivery.pk])
    assert staff_client.get(url).status_code == 405
    assert staff_client.get(reverse("assessments:deliveries_resend")).status_code == 405


def test_resending_an_unknown_delivery_is_404(staff_client):
    assert staff_client.post(reverse("assessments:delivery_resend", args=[999])).status_code == 404


def test_secretaries_may_neither_see_nor_resend(secretary_client, secretary):
    own = failed(recipient=secretary)
    assert secretary_client.get(URL).status_code == 403
    url = reverse("assessments:delivery_resend", args=[own.pk])
    assert secretary_client.post(url).status_code == 403
    assert secretary_client.post(reverse("assessments:deliveries_resend")).status_code == 403
    own.refresh_from_db()
    assert own.status == "failed"
    assert mail.outbox == []


def test_failing_reminder_count_counts_reminders_not_channels():
    gave_up = failed()
    make_delivery(status="failed", key="other")
    Delivery.objects.create(
        notification=gave_up.notification,
        channel="webhook",
        status="failed",
        next_attempt_at=timezone.now(),
    )
    pending_since(1)
    assert failing_reminder_count() == 2


def test_staff_reminder_page_links_to_the_undelivered_ones(staff_client, secretary_client):
    failed()
    html = staff_client.get(reverse("assessments:reminders")).content.decode()
    assert URL in html
    assert "1 条提醒未送达" in html
    assert URL not in secretary_client.get(reverse("assessments:reminders")).content.decode()


def test_robot_deliveries_are_listed_with_their_channel_in_as_many_queries(staff_client, branch):
    from assessments.models import ReminderChannel

    robots = [
        ReminderChannel.objects.create(
            kind="wecom", name=f"支部群{n}", branch=branch, url=f"https://127.0.0.1/{n}"
        )
        for n in range(25)
    ]
    failed(robot=robots[0], topic="t0"), failed(robot=robots[1], topic="t1")
    with CaptureQueriesContext(connection) as small:
        staff_client.get(URL)
    for n in range(2, 50):
        failed(robot=robots[n % 25], topic=f"t{n}")
    with CaptureQueriesContext(connection) as large:
        html = staff_client.get(URL).content.decode()
    assert len(large) == len(small)
    assert "支部群24" in html and "企业微信群机器人" in html
