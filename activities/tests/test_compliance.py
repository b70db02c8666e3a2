"""Compliance for periods and edge dates, checked against hand-counted cases."""

import datetime

import pytest

from activities.compliance import compliance_grid
from activities.tests.factories import ActivityLogFactory, kind
from branches.tests.factories import BranchFactory, PartyGroupFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 25)


@pytest.fixture
def fresh_branch():
    return BranchFactory(established_on=D(2025, 12, 1))


def cell(user, branch, month, today=TODAY):
    rows = {r.branch: r for r in compliance_grid(user=user, year=2026, today=today)}
    return rows[branch].cells[month - 1]


def missing(user, branch, month, today=TODAY):
    return sorted(r.kind.code for r in cell(user, branch, month, today).missing)


def test_an_empty_month_misses_every_monthly_kind(street_staff, fresh_branch):
    assert missing(street_staff, fresh_branch, 1) == ["committee-meeting", "theme-party-day"]
    assert cell(street_staff, fresh_branch, 1).state == "missing"


def test_quarterly_kinds_are_due_at_the_end_of_the_quarter(street_staff, fresh_branch):
    assert missing(street_staff, fresh_branch, 3) == [
        "committee-meeting",
        "general-meeting",
        "party-lesson",
        "theme-party-day",
    ]


def test_a_quarterly_meeting_early_in_the_quarter_counts(street_staff, fresh_branch):
    ActivityLogFactory(branch=fresh_branch, kind=kind("general-meeting"), held_on=D(2026, 1, 1))
    assert "general-meeting" not in missing(street_staff, fresh_branch, 3)
    # ... but not for the next quarter.
    assert "general-meeting" in missing(street_staff, fresh_branch, 6)


def test_a_work_shed_lesson_counts_as_the_party_lesson(street_staff, fresh_branch):
    ActivityLogFactory(branch=fresh_branch, kind=kind("work-shed-lesson"), held_on=D(2026, 5, 20))
    assert "party-lesson" not in missing(street_staff, fresh_branch, 6)


def test_month_boundaries(street_staff, fresh_branch):
    ActivityLogFactory(branch=fresh_branch, held_on=D(2026, 1, 31))
    ActivityLogFactory(branch=fresh_branch, held_on=D(2026, 3, 1))
    assert "committee-meeting" not in missing(street_staff, fresh_branch, 1)
    assert "committee-meeting" in missing(street_staff, fresh_branch, 2)
    assert "committee-meeting" not in missing(street_staff, fresh_branch, 3)


def test_a_log_of_last_december_does_not_count_this_year(street_staff, fresh_branch):
    ActivityLogFactory(branch=fresh_branch, held_on=D(2025, 12, 31))
    assert "committee-meeting" in missing(street_staff, fresh_branch, 1)


def test_drafts_do_not_count(street_staff, fresh_branch):
    ActivityLogFactory(
        branch=fresh_branch, held_on=D(2026, 1, 10), status="draft", submitted_at=None
    )
    assert "committee-meeting" in missing(street_staff, fresh_branch, 1)


def test_every_party_group_owes_its_own_meeting(street_staff, fresh_branch):
    first = PartyGroupFactory(branch=fresh_branch, established_on=D(2025, 12, 5))
    second = PartyGroupFactory(branch=fresh_branch, established_on=D(2025, 12, 5))
    ActivityLogFactory(
        branch=fresh_branch, kind=kind("group-meeting"), party_group=first, held_on=D(2026, 2, 3)
    )
    groups_missing = [r.group for r in cell(street_staff, fresh_branch, 2).missing if r.group]
    assert groups_missing == [second]


def test_a_group_set_up_later_is_not_due_before(street_staff, fresh_branch):
    PartyGroupFactory(branch=fresh_branch, established_on=D(2026, 4, 10))
    assert "group-meeting" not in missing(street_staff, fresh_branch, 3)
    assert "group-meeting" in missing(street_staff, fresh_branch, 4)


def test_months_before_the_branch_existed_are_not_counted(street_staff):
    branch = BranchFactory(established_on=D(2026, 5, 20))
    assert cell(street_staff, branch, 4).state == "none"
    assert cell(street_staff, branch, 5).state == "missing"


def test_the_current_month_is_open_and_later_months_are_future(street_staff, fresh_branch):
    assert cell(street_staff, fresh_branch, 11).state == "open"
    assert cell(street_staff, fresh_branch, 12).state == "future"
    # On the first day of December, November is over.
    assert cell(street_staff, fresh_branch, 11, today=D(2026, 12, 1)).state == "missing"


def test_yearly_kinds_are_due_in_december(street_staff, fresh_branch):
    december = missing(street_staff, fresh_branch, 12, today=D(2026, 12, 31))
    assert {"life-meeting", "member-appraisal"} <= set(december)


def test_the_rate_counts_only_finished_months(street_staff, fresh_branch):
    for month in range(1, 11):
        ActivityLogFactory(branch=fresh_branch, held_on=D(2026, month, 5))
    rows = {r.branch: r for r in compliance_grid(user=street_staff, year=2026, today=TODAY)}
    row = rows[fresh_branch]
    # January-October: 10 committee meetings done of 10 + 10 theme days + 3x2 quarterly = 26.
    assert (row.done, row.expected) == (10, 26)
    assert row.is_behind


def test_a_secretary_sees_only_their_branch(secretary, branch, other_branch):
    assert [r.branch for r in compliance_grid(user=secretary, year=2026, today=TODAY)] == [branch]
