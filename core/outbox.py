"""The outbox: every job that leaves the request goes through here.

`enqueue()` writes the job as a row in the caller's transaction and hands it to the broker once
that transaction commits. If the broker cannot be reached, the user's change stands, the row
stays pending and `hand_over_waiting()` (a periodic pass, and the next enqueue) hands it over
when the queue is back. A job names its Celery task by its registered name, so an app can ask
for work done by an app above it without importing it.

Handing over is at least once: a job whose hand-over was cut short (the process died between
claiming and publishing) is handed again after HANDING_LEASE. Every task reached through the
outbox must therefore be idempotent (claim its own work with a conditional UPDATE).
"""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.models import Job
from core.observability import TASK_HEADER, current_request_id

logger = logging.getLogger(__name__)

HANDING_LEASE = datetime.timedelta(minutes=5)
WAIT_BEFORE_PASS = datetime.timedelta(seconds=30)  # leave fresh jobs to their own on_commit
KEEP_HANDED = datetime.timedelta(days=30)
PUBLISH_ONCE = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 2}


def enqueue(task: str, **kwargs) -> Job:
    """Record a job for `task` (a registered Celery task name) and hand it over after commit."""
    job = Job.objects.create(task=task, kwargs=kwargs, request_id=current_request_id() or "")
    transaction.on_commit(lambda: hand_over(job_id=job.pk))
    return job


def hand_over(*, job_id: int) -> bool:
    """Claim the job and publish it to the broker. True when it was handed over."""
    now = timezone.now()
    claimed = Job.objects.filter(
        Q(status=Job.Status.PENDING)
        | Q(status=Job.Status.HANDING, handed_at__lt=now - HANDING_LEASE),
        pk=job_id,
    ).update(status=Job.Status.HANDING, handed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    if current_app.conf.task_always_eager:
        if job.task not in current_app.tasks:
            current_app.loader.import_default_modules()  # every app's tasks.py, as a worker does
        task = current_app.tasks[job.task]
        # No broker: the task runs here and now. Its own failure is its own to record
        # (every outbox task keeps its state on its row); it is not a failed hand-over.
        Job.objects.filter(pk=job_id).update(status=Job.Status.HANDED)
        try:
            task.apply_async(kwargs=job.kwargs)
        except Exception:
            logger.exception("job %s (%s) failed when run eagerly", job_id, job.task)
        return True
    try:
        # A connection of its own that neither retries nor waits: a broker that is down answers
        # at once, instead of holding the user's request for the client's retries.
        with current_app.connection_for_write(transport_options=PUBLISH_ONCE) as connection:
            current_app.send_task(
                job.task,
                kwargs=job.kwargs,
                retry=False,
                connection=connection,
                headers={TASK_HEADER: job.request_id} if job.request_id else None,
            )
    except (BrokerError, OSError) as exc:
        logger.warning("job %s (%s) not handed over: %s", job_id, job.task, exc)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return False
    Job.objects.filter(pk=job_id).update(status=Job.Status.HANDED, last_error="")
    return True


def waiting_jobs(*, older_than: datetime.timedelta = WAIT_BEFORE_PASS):
    """Jobs not yet with the broker: pending ones, and hand-overs cut short."""
    now = timezone.now()
    return Job.objects.filter(
        Q(status=Job.Status.PENDING, created_at__lte=now - older_than)
        | Q(status=Job.Status.HANDING, handed_at__lt=now - HANDING_LEASE)
    )


def hand_over_waiting(
    *, limit: int = 1000, older_than: datetime.timedelta = WAIT_BEFORE_PASS
) -> int:
    """Hand over what is still waiting (the periodic pass). Stops at the first refusal: the
    broker is still down, and the rest would be refused too. Returns how many were handed."""
    handed = 0
    for job_id in (
        waiting_jobs(older_than=older_than)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    ):
        if not hand_over(job_id=job_id):
            if Job.objects.filter(pk=job_id, status=Job.Status.PENDING).exists():
                break
            continue
        handed += 1
    old = timezone.now() - KEEP_HANDED
    Job.objects.filter(status=Job.Status.HANDED, handed_at__lt=old).delete()
    return handed


def waiting_count() -> int:
    return Job.objects.exclude(status=Job.Status.HANDED).count()
