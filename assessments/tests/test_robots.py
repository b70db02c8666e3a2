"""Reminders to WeCom and DingTalk group robots and to a signed webhook, through the one
delivery path, against a local stand-in for each service (robot_server)."""

import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments import deliveries, reminders, robots
from assessments.models import Delivery, Notification, ReminderChannel
from assessments.tests import robot_server
from assessments.tests.factories import make_cycle, make_version
from branches.tests.factories import SeatFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 1, 28)  # three days before the cycle's deployment is due


@pytest.fixture
def server():
    running = robot_server.start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def cycle(branch, other_branch):
    return make_cycle(make_version(), [branch, other_branch])


def make_robot(kind, server, *, branch=None, user=None, **fields) -> ReminderChannel:
    url, secret = {
        "wecom": (server.wecom_url(), ""),
        "dingtalk": (server.dingtalk_url(), robot_server.DINGTALK_SECRET),
        "webhook": (server.webhook_url(), robot_server.WEBHOOK_SECRET),
    }[kind]
    return ReminderChannel.objects.create(
        kind=kind,
        name=fields.pop("name", f"{kind} robot"),
        branch=branch,
        user=user,
        url=fields.pop("url", url),
        secret=fields.pop("secret", secret),
        **fields,
    )


def deliver_robots() -> list[str]:
    ids = Delivery.objects.filter(robot__isnull=False).order_by("pk").values_list("pk", flat=True)
    return [deliveries.deliver(pk) for pk in ids]


def branch_topics(branch) -> set[str]:
    keys = Notification.objects.filter(branch=branch).values_list("key", flat=True)
    return {key.split(":", 1)[1] for key in keys}


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "webhook"])
def test_a_branch_robot_posts_each_reminder_of_its_branch_once(
    server, kind, secretary, branch, cycle, street_staff
):
    # A second person of the branch is reminded too: the group hears of it once.
    SeatFactory(branch=branch, user=UserFactory(username="deputy"), kind="deputy")
    make_robot(kind, server, branch=branch)

    reminders.sweep(today=TODAY)
    results = deliver_robots()

    topics = branch_topics(branch)
    assert topics and results == ["sent"] * len(topics)
    assert server.count(kind) == len(topics) and not server.refused
    assert set(Delivery.objects.filter(robot__isnull=False).values_list("status", flat=True)) == {
        "sent"
    }
    # A second sweep finds everything claimed: no second message.
    reminders.sweep(today=TODAY)
    assert deliver_robots() == ["skipped"] * len(topics)
    assert server.count(kind) == len(topics)


def test_the_message_is_short_chinese_text_with_a_link(server, secretary, branch, cycle):
    make_robot("wecom", server, branch=branch)
    reminders.sweep(today=TODAY)
    deliver_robots()

    texts = [m["payload"]["text"]["content"] for m in server.accepted]
    deploy = next(text for text in texts if "部署" in text)
    assert deploy.startswith("【党建提醒】")
    assert f"查看：http://127.0.0.1:8000{cycle.get_absolute_url()}" in deploy
    assert all(m["payload"]["msgtype"] == "text" for m in server.accepted)


def test_a_robot_hears_nothing_of_another_branch(server, secretary, other_secretary, cycle):
    mine = make_robot("wecom", server, branch=secretary.seats.get().branch)
    reminders.sweep(today=TODAY)
    deliver_robots()

    other = other_secretary.seats.get().branch
    assert not Delivery.objects.filter(robot=mine, notification__branch=other).exists()
    assert server.count("wecom") == len(branch_topics(mine.branch))


def test_a_users_robot_gets_that_users_reminders_only(server, secretary, street_staff, cycle):
    robot = make_robot("dingtalk", server, user=street_staff)
    reminders.sweep(today=TODAY)
    deliver_robots()

    recipients = set(
        Delivery.objects.filter(robot=robot).values_list("notification__recipient", flat=True)
    )
    assert recipients == {street_staff.pk}
    assert server.count("dingtalk") == Notification.objects.filter(recipient=street_staff).count()


def test_webhook_carries_a_verifiable_signature_and_the_delivery_id(
    server, secretary, branch, cycle
):
    make_robot("webhook", server, branch=branch)
    reminders.sweep(today=TODAY)
    deliver_robots()

    message = server.accepted[0]
    headers, payload = message["headers"], message["payload"]
    raw = json.dumps(payload, ensure_ascii=False).encode()
    assert headers["X-Portal-Signature"] == robots.webhook_signature(
        robot_server.WEBHOOK_SECRET, int(headers["X-Portal-Timestamp"]), raw
    )
    delivery = Delivery.objects.get(pk=int(headers["X-Portal-Delivery"]))
    assert payload["delivery"] == delivery.pk
    assert payload["title"] == delivery.notification.title
    assert payload["url"].startswith("http://127.0.0.1:8000/")
    assert {"event", "stage", "body", "text", "sent_at"} <= set(payload)


def test_the_dingtalk_signature_follows_dingtalks_recipe():
    # timestamp + "\n" + secret, HMAC-SHA256 with the secret, base64, then URL-encoded.
    digest = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    encoded = base64.b64encode(digest).decode()
    sign = robots.dingtalk_sign("SECabc", 1700000000000)

    assert sign == urllib.parse.quote_plus(encoded)
    assert urllib.parse.unquote_plus(sign) == encoded and "=" not in sign


@pytest.mark.parametrize(
    ("kind", "mode", "error"),
    [
        ("wecom", "http500", "HTTP 500"),
        ("wecom", "errcode", "errcode 45009"),
        ("dingtalk", "errcode", "errcode 45009"),
        ("dingtalk", "http500", "HTTP 500"),
        ("webhook", "http500", "HTTP 500"),
    ],
)
def test_an_error_answer_is_a_failure_retried_later(
    server, kind, mode, error, secretary, branch, cycle
):
    make_robot(kind, server, branch=branch)
    server.mode = mode
    reminders.sweep(today=TODAY)

    results = deliver_robots()

    assert set(results) == {"retry"}
    failed = Delivery.objects.filter(robot__isnull=False)
    assert {d.status for d in failed} == {"pending"}
    assert all(d.last_error.startswith(f"RobotError: {error}") for d in failed)
    assert all(d.next_attempt_at > timezone.now() for d in failed)
    assert server.count(kind) == 0

    # The service is back: the retry, once due, goes through.
    server.mode = "ok"
    failed.update(next_attempt_at=timezone.now())
    assert set(deliver_robots()) == {"sent"}
    assert server.count(kind) == len(branch_topics(branch))


def test_a_wrong_dingtalk_secret_is_refused_by_the_service(server, secretary, branch, cycle):
    make_robot("dingtalk", server, branch=branch, secret="SECwrong")
    reminders.sweep(today=TODAY)

    assert set(deliver_robots()) == {"retry"}
    assert "sign not match" in Delivery.objects.filter(robot__isnull=False).first().last_error
    assert server.count("dingtalk") == 0


def test_a_failure_for_good_is_shown_to_staff(server, staff_client, secretary, branch, cycle):
    make_robot("wecom", server, branch=branch, name="星光耀支部群")
    server.mode = "errcode"
    reminders.sweep(today=TODAY)
    days_ago = timezone.now() - datetime.timedelta(days=4)
    Delivery.objects.filter(robot__isnull=False).update(failing_since=days_ago)

    assert set(deliver_robots()) == {"failed"}

    html = staff_client.get(reverse("assessments:deliveries")).content.decode()
    assert "星光耀支部群" in html and "errcode 45009" in html


def test_a_slow_service_times_out(server, settings, secretary, branch, cycle):
    settings.PORTAL_ROBOT_TIMEOUT_SECONDS = 0.5
    server.mode, server.slow_seconds = "slow", 2
    make_robot("wecom", server, branch=branch)
    reminders.sweep(today=TODAY)
    delivery = Delivery.objects.filter(robot__isnull=False).first()

    assert deliveries.deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error


def test_a_delivery_claimed_is_sent_once(server, secretary, branch, cycle):
    make_robot("wecom", server, branch=branch)
    reminders.sweep(today=TODAY)
    delivery = Delivery.objects.filter(robot__isnull=False).first()

    assert deliveries.deliver(delivery.pk) == "sent"
    assert deliveries.deliver(delivery.pk) == "skipped"
    assert server.count("wecom") == 1


def test_a_robot_turned_off_gets_no_new_deliveries_and_fails_the_old(
    server, secretary, branch, cycle
):
    robot = make_robot("wecom", server, branch=branch)
    reminders.sweep(today=TODAY)
    ReminderChannel.objects.filter(pk=robot.pk).update(is_active=False)

    assert set(deliver_robots()) == {"retry"}
    assert server.count("wecom") == 0
    Notification.objects.all().delete()
    reminders.sweep(today=TODAY)
    assert not Delivery.objects.filter(robot__isnull=False).exists()


# The admin: set up, masked, tested.


@pytest.fixture
def admin_client(committee_admin):
    client = Client()
    client.force_login(committee_admin)
    return client


def test_committee_admin_sets_up_a_robot_whose_secret_is_never_shown_back(
    server, admin_client, branch
):
    response = admin_client.post(
        reverse("admin:assessments_reminderchannel_add"),
        {
            "kind": "dingtalk",
            "name": "支部钉钉群",
            "branch": branch.pk,
            "url": server.dingtalk_url(),
            "secret": robot_server.DINGTALK_SECRET,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    robot = ReminderChannel.objects.get()
    assert robot.secret == robot_server.DINGTALK_SECRET

    change = reverse("admin:assessments_reminderchannel_change", args=[robot.pk])
    page = admin_client.get(change).content.decode()
    listing = admin_client.get(reverse("admin:assessments_reminderchannel_changelist"))
    for html in (page, listing.content.decode()):
        assert robot_server.DINGTALK_SECRET not in html
        assert robot_server.DINGTALK_TOKEN not in html
    assert "…0001" in page  # the last characters, to tell two apart

    # Saved again with the fields left empty: the stored ones are kept.
    response = admin_client.post(
        change,
        {
            "kind": "dingtalk",
            "name": "支部钉钉群（新）",
            "branch": branch.pk,
            "url": "",
            "secret": "",
        },
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert robot.name == "支部钉钉群（新）" and not robot.is_active
    assert robot.url == server.dingtalk_url() and robot.secret == robot_server.DINGTALK_SECRET


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"user": "SELF"}, "不能同时"),
        ({"branch": ""}, "不能同时"),
        ({"secret": ""}, "签名密钥"),
        ({"url": ""}, "请输入地址"),
        ({"url": "ftp://127.0.0.1/x"}, "http"),
    ],
)
def test_bad_robot_setups_are_refused_and_nothing_is_saved(
    admin_client, committee_admin, branch, fields, error
):
    data = {
        "kind": "dingtalk",
        "name": "群",
        "branch": branch.pk,
        "url": "https://oapi.dingtalk.example/robot/send?access_token=x",
        "secret": "SECsecret",
    } | fields
    if data.get("user") == "SELF":
        data["user"] = committee_admin.pk
    response = admin_client.post(reverse("admin:assessments_reminderchannel_add"), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ReminderChannel.objects.exists()


def test_the_test_message_action_and_button(server, admin_client, branch):
    good = make_robot("wecom", server, branch=branch, name="好群")
    bad = make_robot("dingtalk", server, branch=branch, name="坏群", secret="SECwrong")

    response = admin_client.post(
        reverse("admin:assessments_reminderchannel_changelist"),
        {"action": "send_test_message", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "好群：测试消息已被接收。" in html
    assert "坏群：测试消息发送失败" in html and "sign not match" in html
    assert server.count("wecom") == 1
    assert "测试消息" in server.accepted[0]["payload"]["text"]["content"]

    button = reverse("admin:assessments_reminderchannel_test", args=[good.pk])
    assert (
        button
        in admin_client.get(
            reverse("admin:assessments_reminderchannel_change", args=[good.pk])
        ).content.decode()
    )
    assert admin_client.get(button).status_code == 405
    admin_client.post(button)
    assert server.count("wecom") == 2
    # A test message is not a reminder: nothing is recorded as delivered.
    assert not Delivery.objects.exists()


def test_secretary_cannot_reach_the_robots(secretary_client, server, branch):
    robot = make_robot("wecom", server, branch=branch)
    button = reverse("admin:assessments_reminderchannel_test", args=[robot.pk])
    response = secretary_client.post(button)
    assert response.status_code == 302  # to the admin's log-in
    assert server.count("wecom") == 0
