"""The Prometheus endpoint for operators (/metrics, with a bearer token: PORTAL_METRICS_TOKEN).

It serves the request metrics of core/observability.py — gathered over every gunicorn worker
when PROMETHEUS_MULTIPROC_DIR is set, as config/gunicorn.py does — and, read at each scrape, the
portal's own state: jobs waiting in the outbox and the age of the oldest, reminder deliveries
failed and pending, and the depth of the Celery queue on Redis.
"""

import datetime
import hmac
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from assessments.models import Delivery
from assessments.selectors import failing_reminder_count
from core.models import Job
from core.outbox import waiting_jobs

# kombu's Redis transport keeps a queue's messages of each priority in its own list.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def celery_queue_depth(broker_url: str, queue: str) -> int | None:
    """Messages waiting in the queue, or None when the broker does not answer."""
    import redis

    try:
        client = redis.Redis.from_url(broker_url, socket_timeout=1, socket_connect_timeout=1)
        with client.pipeline(transaction=False) as pipe:
            for suffix in PRIORITY_SUFFIXES:
                pipe.llen(f"{queue}{suffix}")
            return sum(pipe.execute())
    except (redis.RedisError, OSError):
        return None


class PortalCollector:
    """The portal's state, read from the database and the broker at each scrape."""

    def collect(self):
        now = timezone.now()
        waiting = waiting_jobs(older_than=datetime.timedelta(0))
        outbox = GaugeMetricFamily(
            "portal_outbox_waiting_jobs", "Jobs written but not yet handed to the broker."
        )
        outbox.add_metric([], waiting.count())
        yield outbox
        oldest = Job.objects.exclude(status=Job.Status.HANDED).aggregate(at=Min("created_at"))
        age = GaugeMetricFamily(
            "portal_outbox_oldest_waiting_seconds",
            "Age of the oldest job not yet handed to the broker (0 when none waits).",
        )
        age.add_metric([], (now - oldest["at"]).total_seconds() if oldest["at"] else 0.0)
        yield age

        deliveries = GaugeMetricFamily(
            "portal_reminder_deliveries",
            "Reminder deliveries not sent, by state (failed: given up after the retries).",
            labels=["status"],
        )
        unsent = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.FAILED)
        counts = dict(
            Delivery.objects.filter(status__in=unsent)
            .order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for status in unsent:
            deliveries.add_metric([status.value], counts.get(status, 0))
        yield deliveries
        failing = GaugeMetricFamily(
            "portal_reminders_failing",
            "Reminders with a delivery failed for good or long pending (the workbench's figure).",
        )
        failing.add_metric([], failing_reminder_count())
        yield failing

        broker = settings.CELERY_BROKER_URL or ""
        if broker.startswith(("redis://", "rediss://")):
            queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
            depth = celery_queue_depth(broker, queue)
            up = GaugeMetricFamily("portal_broker_up", "Whether the Celery broker answers.")
            up.add_metric([], 0 if depth is None else 1)
            yield up
            if depth is not None:
                family = GaugeMetricFamily(
                    "portal_celery_queue_depth",
                    "Messages waiting in a Celery queue.",
                    labels=["queue"],
                )
                family.add_metric([queue], depth)
                yield family


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(_ThisProcess())
    scrape.register(PortalCollector())
    return scrape


class _ThisProcess:
    """The default registry of this one process (no gunicorn workers to gather)."""

    def collect(self):
        yield from REGISTRY.collect()


def authorised(request) -> bool:
    token = settings.PORTAL_METRICS_TOKEN
    if not token:
        return False
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


@login_not_required
@require_GET
def metrics(request):
    """Prometheus's text format; 404 to anyone without the token (and to all when none is set)."""
    if not authorised(request):
        raise Http404("metrics")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
