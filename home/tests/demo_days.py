"""The days the tests load the demo for, and the clock they set to each: the demo places its
dates relative to the day it is loaded, and the services and pages read "today" from the
clock (timezone.localdate), so both are set to the same day."""

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# Counted by hand from the demo's schedule (activities/demo.py), for each day of DAYS. A month
# holds, per branch, a committee meeting (on the 3rd to the 7th), a theme day (15th) and one
# meeting per Party group (18th on; 5 groups in 星光耀, 4 elsewhere): 7 + 6 * 4 = 31; a
# quarter's last month adds a general meeting and a lesson per branch (+10), December the
# organisational-life meeting and the appraisal (+10), February, May and July one special
# activity each (+5). Seven were missed, counted in months before the day's month: 陆洪闸's
# committee meetings 1, 4 and 7 months before, its theme day 5 months before and the lesson of
# the last finished quarter; 大学城's committee meeting 5 months before and a group meeting the
# month before. Only finished months of the day's year make a branch "behind".
@dataclass(frozen=True)
class Expected:
    month: int  # submitted activities held this month, up to the day
    year: int  # ... this year
    xingguang_month: int
    behind: int
    luhongzha_tasks: list[str]
    luhongzha_due: int  # what 陆洪闸 still has to hold this month


EXPECTED = {
    # June 15th: committee meetings and theme days held (10); January to May: 5 * 31 + 10
    # (March) + 5 (February) + 5 (May), less 6 missed (the 7th, October's, was last year).
    datetime.date(2026, 6, 15): Expected(10, 179, 2, 2, ["汛期施工安全专项方案"], 6),
    # 31 this month; January to October: 10 * 31 + 30 + 15, less the 7 missed.
    datetime.date(2026, 11, 25): Expected(31, 379, 7, 2, ["冬季施工安全专项方案"], 0),
    # 31 + 10 + 10 in December; January to November: 11 * 31 + 30 + 15, less the 7 missed.
    datetime.date(2026, 12, 31): Expected(51, 430, 11, 2, ["冬季施工安全专项方案"], 0),
    # Nothing of the new year held yet (the first meeting is on the 3rd); nobody behind. The
    # half-year's plan (due on the 31st) is not made yet.
    datetime.date(2027, 1, 1): Expected(
        0, 0, 0, 0, ["汛期施工安全专项方案", "制定上半年党建工作计划"], 6
    ),
    # Five committee meetings this month; January and February: 2 * 31 + 5, less 2 missed in
    # February (陆洪闸's committee meeting, 大学城's group meeting).
    datetime.date(2027, 3, 10): Expected(5, 70, 1, 2, ["汛期施工安全专项方案"], 7),
}


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
