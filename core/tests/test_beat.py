"""Beat started again after a crash sends no periodic task a second time: it writes when a task
last ran as soon as it has sent it (CELERY_BEAT_SYNC_EVERY; found by scripts/rehearse.py, where a
beat host killed and restarted sent the every-minute outbox pass twice within the minute)."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from config.celery_app import app

# The scheduler commits and closes connections on its own, as the beat process does.
pytestmark = pytest.mark.django_db(transaction=True)

EVERY_MINUTE = ["core.tasks.hand_over_waiting_jobs", "assessments.tasks.requeue_deliveries"]


@pytest.fixture
def every_minute():
    """The two every-minute jobs, as the migrations schedule them (made here: a transactional
    test before this one may have flushed the migrations' rows)."""
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    return [
        PeriodicTask.objects.create(name=f"beat test: {task}", task=task, interval=minute).name
        for task in EVERY_MINUTE
    ]


@pytest.fixture
def sent(monkeypatch):
    """What beat hands to the broker, recorded instead of published."""
    app.loader.import_default_modules()
    calls = []
    for name in EVERY_MINUTE:
        monkeypatch.setattr(
            app.tasks[name], "apply_async", lambda *a, name=name, **kw: calls.append(name)
        )
    return calls


def test_beat_records_each_run_as_soon_as_it_is_sent_and_a_restarted_beat_waits(every_minute, sent):
    ours = PeriodicTask.objects.filter(name__in=every_minute)
    assert ours.filter(last_run_at__isnull=True).count() == 2
    beat = DatabaseScheduler(app=app)
    for name in every_minute:
        beat.apply_async(beat.schedule[name])
    assert sent == EVERY_MINUTE
    # Written already, not three minutes later: a beat killed now loses nothing.
    assert not ours.filter(last_run_at__isnull=True)

    restarted = DatabaseScheduler(app=app)
    for name in every_minute:
        due, _next = restarted.schedule[name].is_due()
        assert not due, f"{name} would be sent again by a beat started again"
