"""The days the tests load the demo for, and the clock they set to each: the demo places its
dates relative to the day it is loaded, and the services and pages read "today" from the
clock (timezone.localdate), so both are set to the same day."""

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import transaction

# Mid-year; the day the demo's long-lived dates are written for (core.demo.ANCHOR); the last day
# of a year; the first day of the next, when nothing of the year is held yet; early March.
DAYS = [
    datetime.date(2026, 6, 15),
    datetime.date(2026, 11, 25),
    datetime.date(2026, 12, 31),
    datetime.date(2027, 1, 1),
    datetime.date(2027, 3, 10),
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def clock_at(day: datetime.date, at: datetime.time = datetime.time(12, 0)) -> Iterator[None]:
    """The clock at `at` on `day` in Asia/Shanghai, for timezone.now and everything read from
    it (timezone.localdate among them)."""
    instant = datetime.datetime.combine(day, at, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield


def demo_loaded_on(day: datetime.date, django_db_blocker) -> Iterator[datetime.date]:
    """For a module-scoped fixture: the demo loaded with `--today day` under the clock of that
    day, inside a transaction rolled back at the module's end; the clock stays on that day for
    the module's tests."""
    with clock_at(day), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", "--force", f"--today={day.isoformat()}", stdout=io.StringIO())
            yield day
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
