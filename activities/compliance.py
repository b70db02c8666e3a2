"""Compliance with the expected frequency of activities (三会一课 and the rest).

For a month, what is due: every monthly kind, the quarterly kinds in the last month of a
quarter, the yearly kinds in December; a group-level kind is due once per active Party group.
A submitted log of a kind, or of a kind that counts as it (a work-shed lesson is a Party
lesson), held in the period, fulfils it. Counted in the database: the logs are aggregated in
one query, whatever their number; the grid is assembled from those counts."""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from accounts.access import restrict
from activities.models import ActivityKind, ActivityLog, Frequency
from branches.models import Branch, PartyGroup

QUARTER_END = {3, 6, 9, 12}


def period_months(frequency: str, month: int) -> range:
    """The months of the period that ends with `month` (for a kind due that month)."""
    if frequency == Frequency.MONTHLY:
        return range(month, month + 1)
    if frequency == Frequency.QUARTERLY:
        return range(month - 2, month + 1)
    return range(1, 13)


def is_due_in(frequency: str, month: int) -> bool:
    return (
        frequency == Frequency.MONTHLY
        or (frequency == Frequency.QUARTERLY and month in QUARTER_END)
        or (frequency == Frequency.YEARLY and month == 12)
    )


def period_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Requirement:
    kind: ActivityKind
    group: PartyGroup | None
    done: bool
    due_on: datetime.date

    @property
    def label(self) -> str:
        return f"{self.kind.name} · {self.group.name}" if self.group else self.kind.name


@dataclass
class Cell:
    month: int
    state: str  # "done", "missing", "open" (the month is under way), "future", "none"
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for r in self.requirements if r.done)

    @property
    def expected(self) -> int:
        return len(self.requirements)

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.done]


@dataclass
class BranchRow:
    branch: Branch
    cells: list[Cell]

    @property
    def expected(self) -> int:
        return sum(c.expected for c in self.cells if c.state in ("done", "missing"))

    @property
    def done(self) -> int:
        return sum(c.done for c in self.cells if c.state in ("done", "missing"))

    @property
    def rate(self) -> float | None:
        return round(100 * self.done / self.expected, 1) if self.expected else None

    @property
    def is_behind(self) -> bool:
        return any(c.state == "missing" for c in self.cells)


def compliance_grid(
    *, user=None, year: int, today: datetime.date | None = None, branches=None
) -> list[BranchRow]:
    """The grid for the branches the user sees (or the given branches, for the assessment)."""
    today = today or timezone.localdate()
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if branches is None:
        branches = restrict(Branch.objects.all(), user, branch_path="id")
    branches = list(
        branches.filter(established_on__lte=year_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year_start))
        .order_by("name")
    )
    kinds = list(ActivityKind.objects.filter(is_active=True).exclude(frequency=Frequency.NONE))
    groups_by_branch: dict[int, list[PartyGroup]] = defaultdict(list)
    for group in PartyGroup.objects.filter(
        branch__in=branches, established_on__lte=year_end
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=year_start)):
        groups_by_branch[group.branch_id].append(group)

    counts: dict[tuple, int] = defaultdict(int)
    rows = (
        ActivityLog.objects.filter(
            status=ActivityLog.Status.SUBMITTED,
            branch__in=branches,
            held_on__year=year,
        )
        .annotate(effective_kind=Coalesce(F("kind__counts_as_id"), F("kind_id")))
        .annotate(month=ExtractMonth("held_on"))
        .values("branch_id", "party_group_id", "effective_kind", "month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        key = (row["branch_id"], row["effective_kind"], row["month"])
        counts[(*key, None)] += row["n"]
        if row["party_group_id"]:
            counts[(*key, row["party_group_id"])] += row["n"]

    result = []
    for branch in branches:
        cells = []
        for month in range(1, 13):
            start = datetime.date(year, month, 1)
            end = period_end(year, month)
            if branch.established_on > end or (branch.closed_on and branch.closed_on < start):
                cells.append(Cell(month, "none"))
                continue
            if start > today:
                cells.append(Cell(month, "future"))
                continue
            requirements = []
            for kind in kinds:
                if not is_due_in(kind.frequency, month):
                    continue
                months = period_months(kind.frequency, month)
                targets = [None]
                if kind.level == ActivityKind.Level.GROUP:
                    targets = [
                        g
                        for g in groups_by_branch[branch.pk]
                        if g.established_on <= end
                        and (g.dissolved_on is None or g.dissolved_on >= start)
                    ]
                for group in targets:
                    done = any(
                        counts.get((branch.pk, kind.pk, m, group.pk if group else None), 0)
                        for m in months
                    )
                    requirements.append(Requirement(kind, group, done, end))
            if not requirements:
                state = "none"
            elif all(r.done for r in requirements):
                state = "done"
            elif end >= today:
                state = "open"
            else:
                state = "missing"
            cells.append(Cell(month, state, requirements))
        result.append(BranchRow(branch, cells))
    return result


def due_for_branch(
    *, user, branch: Branch, today: datetime.date | None = None
) -> list[Requirement]:
    """What the branch still has to hold this month (and quarter, and year)."""
    today = today or timezone.localdate()
    rows = [
        r for r in compliance_grid(user=user, year=today.year, today=today) if r.branch == branch
    ]
    if not rows:
        return []
    return rows[0].cells[today.month - 1].missing
