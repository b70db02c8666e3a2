"""`load_demo --today`: the demo of a given day is the same on every load, and a day after the
clock's is refused (the services refuse what is dated in the future)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from activities.models import ActivityLog, Attendance
from assessments.models import Cycle, DeploymentTask
from members.models import Member, Transfer
from projects.models import CoordinationItem, ProjectStage

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)  # before any clock the suite runs under


def natural_rows() -> dict:
    """The demo's rows by their natural values (not their keys, which a rolled-back load may
    leave taken on PostgreSQL)."""
    return {
        "logs": sorted(
            ActivityLog.objects.values_list(
                "branch__name", "kind__code", "held_on", "title", "host", "place", "status"
            )
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "log__branch__name", "log__title", "log__held_on", "member__id_number", "status"
            )
        ),
        "members": sorted(
            Member.objects.values_list(
                "id_number", "name", "standing", "joined_party_on", "full_member_on"
            )
        ),
        "transfers": sorted(
            Transfer.objects.values_list("member__id_number", "status", "requested_on", "closed_on")
        ),
        "stages": sorted(
            ProjectStage.objects.values_list("project__name", "stage", "planned_on", "actual_on")
        ),
        "items": sorted(CoordinationItem.objects.values_list("title", "raised_on", "due_on")),
        "cycles": sorted(Cycle.objects.values_list("name", "status", "published_on")),
        "tasks": sorted(
            DeploymentTask.objects.values_list("cycle__name", "branch__name", "due_on", "done_on")
        ),
    }


def load_and_read(day: datetime.date) -> tuple[dict, str]:
    with transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--force", f"--today={day.isoformat()}", stdout=out)
        rows = natural_rows()
        transaction.set_rollback(True)
    return rows, out.getvalue()


def test_the_same_day_gives_the_same_demo():
    first, out = load_and_read(DAY)
    second, _ = load_and_read(DAY)
    assert first == second
    assert "dates as on 2026-06-15" in out
    assert len(first["logs"]) > 300 and len(first["members"]) == 105
    # Its dates are those of that day, not of the clock's.
    assert max(held_on for *_rest, held_on, _t, _h, _p, _s in first["logs"]) == DAY
    assert {name for name, _status, _on in first["cycles"]} == {"2025年下半年", "2026年上半年"}


def test_another_day_moves_the_demo():
    earlier, _ = load_and_read(DAY - datetime.timedelta(days=40))
    later, _ = load_and_read(DAY)
    assert earlier["logs"] != later["logs"]
    assert earlier["members"] != later["members"]  # probationary members joined in the last year
    # The names and ID numbers are those of every day.
    assert [row[:2] for row in earlier["members"]] == [row[:2] for row in later["members"]]
    # The long-lived dates keep their distances: moved by the 40 days.
    assert [
        (p, s, planned + datetime.timedelta(days=40)) for p, s, planned, _a in earlier["stages"]
    ] == [(p, s, planned) for p, s, planned, _a in later["stages"]]


def test_a_day_after_the_clocks_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="is after today"):
        call_command("load_demo", "--force", f"--today={tomorrow.isoformat()}")
    assert not ActivityLog.objects.exists() and not Member.objects.exists()


def test_a_day_that_is_not_a_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        call_command("load_demo", "--force", "--today=31.12.2026")
    assert not Member.objects.exists()
