"""What operators watch: a request id that follows a request into its log lines and into the
jobs it enqueues, log lines as JSON, and the request metrics of every view (Prometheus; the
figures of the portal itself and the endpoint are in home/metrics.py).

The request id comes from the load balancer's X-Request-ID when it sends a sane one, else it is
made here; it is sent back in the response's X-Request-ID. A Celery task carries it in a header
of its message (`portal_request_id`), so the worker's lines of that task carry it too.
"""

import datetime
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery import signals
from django.db import connection
from prometheus_client import Counter, Histogram

REQUEST_ID: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
HEADER = "X-Request-ID"
TASK_HEADER = "portal_request_id"
# What a load balancer's request id looks like (a UUID, hex, or nginx's $request_id); anything
# else is replaced, so a log line never carries text a client made up.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def current_request_id() -> str | None:
    return REQUEST_ID.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every log record a `request_id` ("-" outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request id, and
    the exception with its traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get() or "-",
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


# The request id into the jobs: set on the message when it is published, taken back when the
# worker starts the task. An outbox job handed over later by the periodic pass carries the id
# recorded with the job (core.outbox).
@signals.before_task_publish.connect(weak=False)
def _request_id_into_message(headers=None, **kwargs):
    request_id = REQUEST_ID.get()
    if headers is not None and request_id and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = request_id


_TASK_TOKENS: dict[str, object] = {}


@signals.task_prerun.connect(weak=False)
def _request_id_from_message(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id and SANE_ID.fullmatch(str(request_id)):
        _TASK_TOKENS[task_id] = REQUEST_ID.set(str(request_id))


@signals.task_postrun.connect(weak=False)
def _request_id_done(task_id=None, **kwargs):
    token = _TASK_TOKENS.pop(task_id, None)
    if token is not None:
        REQUEST_ID.reset(token)


# Request metrics --------------------------------------------------------------------------------

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 500)

REQUESTS = Counter(
    "portal_http_requests", "Requests answered, by view, method and status.",
    ["view", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "portal_http_request_duration_seconds", "Server time of a request, by view.", ["view"],
    buckets=LATENCY_BUCKETS,
)  # fmt: skip
QUERIES = Counter("portal_db_queries", "Database queries run by requests, by view.", ["view"])
QUERIES_PER_REQUEST = Histogram(
    "portal_db_queries_per_request", "Database queries of one request, by view.", ["view"],
    buckets=QUERY_BUCKETS,
)  # fmt: skip


def view_label(request) -> str:
    """The view's name (e.g. "members:list"): a bounded set of labels, never the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or "<unnamed>"


class MetricsMiddleware:
    """Counts each request, its server time and its database queries, by view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        view = view_label(request)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        QUERIES.labels(view).inc(queries)
        QUERIES_PER_REQUEST.labels(view).observe(queries)
        return response
