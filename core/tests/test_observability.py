"""A request id follows each request into its log lines and jobs; log lines as JSON; request
metrics by view."""

import json
import logging

import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from core import observability
from core.models import Job
from core.observability import (
    HEADER,
    REQUEST_ID,
    TASK_HEADER,
    JsonFormatter,
    RequestIdFilter,
    _request_id_done,
    _request_id_from_message,
    _request_id_into_message,
)
from core.outbox import enqueue


def test_each_response_carries_a_new_request_id(client):
    first = client.get(reverse("accounts:login"))[HEADER]
    second = client.get(reverse("accounts:login"))[HEADER]
    assert len(first) == 32 and first != second


def test_a_load_balancers_request_id_is_kept(client):
    response = client.get(reverse("accounts:login"), headers={HEADER: "lb-3f9a2c71e0d4"})
    assert response[HEADER] == "lb-3f9a2c71e0d4"


@pytest.mark.parametrize(
    "made_up", ["short", "has spaces in it", "<script>alert(1)</script>", "x" * 65]
)
def test_a_request_id_that_is_not_an_id_is_replaced(client, made_up):
    response = client.get(reverse("accounts:login"), headers={HEADER: made_up})
    assert response[HEADER] != made_up
    assert len(response[HEADER]) == 32


def record(message="hello", **extra) -> logging.LogRecord:
    item = logging.LogRecord("portal.test", logging.WARNING, __file__, 1, message, (), None)
    item.__dict__.update(extra)
    return item


def test_log_lines_carry_the_request_id_of_the_moment():
    token = REQUEST_ID.set("req-12345678")
    try:
        line = record()
        RequestIdFilter().filter(line)
    finally:
        REQUEST_ID.reset(token)
    assert line.request_id == "req-12345678"
    outside = record()
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_a_json_log_line_is_one_object_with_its_fields():
    try:
        raise ValueError("broken <thing>")
    except ValueError:
        import sys

        line = record("支部 %s saved", exc_info=sys.exc_info(), request_id="req-12345678")
        line.args = ("星光",)
    parsed = json.loads(JsonFormatter().format(line))
    assert parsed["message"] == "支部 星光 saved"
    assert parsed["level"] == "WARNING"
    assert parsed["logger"] == "portal.test"
    assert parsed["request_id"] == "req-12345678"
    assert parsed["time"].endswith("+00:00")
    assert "ValueError: broken <thing>" in parsed["exception"]
    assert "\n" not in JsonFormatter().format(line)


def test_the_request_id_travels_in_a_tasks_message_and_back():
    headers = {}
    token = REQUEST_ID.set("req-abcdef12")
    try:
        _request_id_into_message(headers=headers)
    finally:
        REQUEST_ID.reset(token)
    assert headers == {TASK_HEADER: "req-abcdef12"}

    class Request:
        portal_request_id = "req-abcdef12"

    class Task:
        request = Request()

    _request_id_from_message(task_id="t1", task=Task())
    assert REQUEST_ID.get() == "req-abcdef12"
    _request_id_done(task_id="t1")
    assert REQUEST_ID.get() is None


def test_a_header_already_set_by_the_outbox_is_not_replaced():
    headers = {TASK_HEADER: "req-from-the-job"}
    token = REQUEST_ID.set("req-periodic-pass")
    try:
        _request_id_into_message(headers=headers)
    finally:
        REQUEST_ID.reset(token)
    assert headers[TASK_HEADER] == "req-from-the-job"


@pytest.mark.django_db  # the hand-over after commit does not run inside the test's transaction
def test_an_outbox_job_remembers_the_request_that_asked_for_it():
    token = REQUEST_ID.set("req-0badc0de")
    try:
        job = enqueue("core.tests.no_such_task")
    finally:
        REQUEST_ID.reset(token)
    assert Job.objects.get(pk=job.pk).request_id == "req-0badc0de"


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.mark.django_db
def test_requests_are_counted_by_view_with_their_queries(staff_client):
    view = "members:list"
    before = sample("portal_http_requests_total", view=view, method="GET", status="200")
    queries_before = sample("portal_db_queries_total", view=view)
    timed_before = sample("portal_http_request_duration_seconds_count", view=view)
    staff_client.get(reverse("members:list"))
    assert sample("portal_http_requests_total", view=view, method="GET", status="200") == before + 1
    assert sample("portal_http_request_duration_seconds_count", view=view) == timed_before + 1
    assert sample("portal_db_queries_total", view=view) > queries_before


def test_an_unknown_address_is_one_label_not_its_path(client):
    before = sample("portal_http_requests_total", view="<unresolved>", method="GET", status="404")
    client.get("/no/such/page/12345")
    client.get("/another/made-up/path")
    after = sample("portal_http_requests_total", view="<unresolved>", method="GET", status="404")
    assert after == before + 2
    assert observability.view_label(object()) == "<unresolved>"
