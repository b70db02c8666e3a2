"""Compliance for periods and edge dates, checked against hand-counted cases."""

import datetime

import pytest

from activities.compliance import behind_branch_ids, compliance_grid, compliance_tallies
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


def test_the_tallies_agree_with_the_grid(street_staff, fresh_branch):
    for month in (1, 2, 3, 5):
        ActivityLogFactory(branch=fresh_branch, held_on=D(2026, month, 5))
    row = {r.branch: r for r in compliance_grid(user=street_staff, year=2026, today=TODAY)}[
        fresh_branch
    ]
    tally = compliance_tallies(user=street_staff, year=2026, today=TODAY)[fresh_branch.pk]
    assert tally.missing_months == tuple(c.month for c in row.cells if c.state == "missing")
    assert sum(done for done, _expected in tally.by_month.values()) == row.done
    assert sum(expected for _done, expected in tally.by_month.values()) == row.expected
    assert behind_branch_ids(user=street_staff, year=2026, today=TODAY) == [fresh_branch.pk]


def grid_page(client, **params):
    """The compliance page as seen on TODAY (noon in Asia/Shanghai)."""
    from unittest import mock

    from django.urls import reverse

    instant = datetime.datetime(2026, 11, 25, 4, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        return client.get(reverse("activities:compliance"), {"year": 2026} | params)


def test_the_grid_shows_50_branches_a_page_and_keeps_its_filter(staff_client):
    """Branches set up this month owe nothing yet; those of last year are behind."""
    for established, count in ((TODAY.replace(day=1), 3), (D(2025, 12, 1), 52)):
        for _ in range(count):
            BranchFactory(established_on=established)
    first = grid_page(staff_client)
    assert len(first.context["rows"]) == 50 and "共 55 条" in first.content.decode()
    assert len(grid_page(staff_client, page=2).context["rows"]) == 5
    behind_page = grid_page(staff_client, behind="1", page=2)
    assert behind_page.context["page"].paginator.count == 52
    assert all(row.is_behind for row in behind_page.context["rows"])
    assert "behind=1" in behind_page.content.decode().split('rel="prev"')[0].rsplit("href=", 1)[1]


@pytest.mark.parametrize("params", [{}, {"behind": "1"}])
def test_the_grid_costs_the_same_queries_for_5_and_50_branches(staff_client, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(count):
        for _ in range(count):
            branch = BranchFactory(established_on=D(2025, 12, 1))
            PartyGroupFactory(branch=branch, established_on=D(2026, 1, 1))
            ActivityLogFactory(branch=branch, held_on=D(2026, 3, 5))

    grow(5)
    with CaptureQueriesContext(connection) as small:
        grid_page(staff_client, **params)
    grow(45)
    with CaptureQueriesContext(connection) as large:
        assert len(grid_page(staff_client, **params).context["rows"]) == 50
    assert len(large) == len(small)


def test_the_grid_agrees_with_the_logs_counted_one_by_one(street_staff):
    """Every requirement of every month, against a reading of the logs one at a time: a log
    counts for the kind it counts as (whether or not its own kind is in use or due), for its
    Party group's meeting only, in the months of the period, in the year, if submitted."""
    from activities.models import ActivityKind, ActivityLog

    extra_day = ActivityKind.objects.create(
        code="extra-day",
        name="加开主题党日",
        frequency="monthly",
        counts_as=kind("theme-party-day"),
    )
    retired = ActivityKind.objects.create(
        code="retired", name="旧党课", is_active=False, counts_as=kind("party-lesson")
    )
    shed_group = ActivityKind.objects.create(
        code="shed-group", name="工棚小组会", counts_as=kind("group-meeting")
    )
    branches = [BranchFactory(established_on=D(2025, 12, 1)) for _ in range(3)]
    groups = {
        branch.pk: [PartyGroupFactory(branch=branch, established_on=D(2025, 12, 1)) for _ in "ab"]
        for branch in branches
    }
    kinds = [
        *(kind(code) for code in ("committee-meeting", "general-meeting", "group-meeting")),
        *(kind(code) for code in ("party-lesson", "life-meeting", "work-shed-lesson", "other")),
        extra_day,
        retired,
        shed_group,
    ]
    days = [D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 1), D(2026, 6, 15)]
    days += [D(2026, 9, 30), D(2026, 10, 2), D(2026, 12, 31), D(2027, 1, 1)]
    for n in range(120):
        branch = branches[n % 3]
        ActivityLogFactory(
            branch=branch,
            kind=kinds[n % len(kinds)],
            party_group=(groups[branch.pk] + [None])[n % 3 if n % 7 else 2],
            held_on=days[(n * 5) % len(days)],
            status="draft" if n % 11 == 0 else "submitted",
            submitted_at=None
            if n % 11 == 0
            else datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
    logs = list(ActivityLog.objects.filter(status="submitted").select_related("kind"))

    def done(branch, requirement, month):
        months = {
            "monthly": range(month, month + 1),
            "quarterly": range(month - 2, month + 1),
            "yearly": range(1, 13),
        }[requirement.kind.frequency]
        return any(
            log.branch_id == branch.pk
            and (log.kind.counts_as_id or log.kind_id) == requirement.kind.pk
            and (requirement.group is None or log.party_group_id == requirement.group.pk)
            and log.held_on.year == 2026
            and log.held_on.month in months
            for log in logs
        )

    rows = compliance_grid(user=street_staff, year=2026, today=D(2026, 12, 31))
    checked = 0
    for row in rows:
        if row.branch not in branches:
            continue
        for cell in row.cells:
            for requirement in cell.requirements:
                assert requirement.done == done(row.branch, requirement, cell.month), (
                    row.branch,
                    cell.month,
                    requirement.label,
                )
                checked += 1
    assert checked > 3 * 12 * 4
