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

from django.db.models import Aggregate, IntegerField, Q, QuerySet
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


class MonthsHeld(Aggregate):
    """The months (1 to 12) of a date column over a group of rows, as bits (1 << month) OR-ed
    into one integer: a branch's logs of a kind fold into one row, not one row per month."""

    name = "MonthsHeld"
    output_field = IntegerField()
    # date_part (a float) costs the database less than EXTRACT (a numeric) on every row.
    template = "BIT_OR(1 << CAST(date_part('month', %(expressions)s) AS integer))"

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no BIT_OR: the sum of the distinct powers of two is the same number. A
        # date is stored as its ISO text there, the month in characters 6 and 7.
        return self.as_sql(
            compiler,
            connection,
            template="SUM(DISTINCT 1 << CAST(substr(%(expressions)s, 6, 2) AS integer))",
            **extra_context,
        )


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


def branches_in_year(*, user=None, year: int, branches=None) -> QuerySet[Branch]:
    """The branches the user sees (or the given ones) that existed at some point of the year,
    in the grid's order."""
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if branches is None:
        branches = restrict(Branch.objects.all(), user, branch_path="id")
    return (
        branches.filter(established_on__lte=year_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year_start))
        .order_by("name", "pk")
    )


@dataclass
class _Year:
    """What the grid of a year needs for a set of branches, read in three queries: the kinds
    due, the Party groups of the year and the months with a submitted log per branch, group
    and kind (one aggregate, whatever the number of logs or branches)."""

    year: int
    today: datetime.date
    kinds: list[ActivityKind]
    groups: dict[int, list[PartyGroup]]
    # (branch id, kind id, group id or None) -> the months a log was held, as bits (1 << month)
    held: dict[tuple, int]

    def __post_init__(self):
        self.bounds = {
            month: (datetime.date(self.year, month, 1), period_end(self.year, month))
            for month in range(1, 13)
        }
        # Per month, the kinds due with the months of their period as bits.
        self.due_in = {
            month: [
                (
                    kind,
                    kind.id,
                    kind.level == ActivityKind.Level.GROUP,
                    sum(1 << m for m in period_months(kind.frequency, month)),
                )
                for kind in self.kinds
                if is_due_in(kind.frequency, month)
            ]
            for month in range(1, 13)
        }

    @classmethod
    def read(cls, *, year: int, today: datetime.date, branches) -> "_Year":
        year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        every_kind = list(ActivityKind.objects.all())  # a dozen rows
        kinds = [k for k in every_kind if k.is_active and k.frequency != Frequency.NONE]
        due_ids = {kind.id for kind in kinds}
        # A log counts for the kind it counts as, or else for its own kind. Only the logs that
        # count for a kind due are read: the others (site care, volunteering) are most of them.
        counts_for = {kind.id: kind.counts_as_id or kind.id for kind in every_kind}
        counted_kinds = [pk for pk, target in counts_for.items() if target in due_ids]
        groups: dict[int, list[PartyGroup]] = defaultdict(list)
        for group in PartyGroup.objects.filter(
            branch__in=branches, established_on__lte=year_end
        ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=year_start)):
            groups[group.branch_id].append(group)
        held: dict[tuple, int] = defaultdict(int)
        rows = (
            ActivityLog.objects.filter(
                status=ActivityLog.Status.SUBMITTED,
                branch__in=branches,
                kind_id__in=counted_kinds,
                held_on__range=(year_start, year_end),
            )
            .values_list("branch_id", "party_group_id", "kind_id")
            .annotate(months=MonthsHeld("held_on"))
            .order_by()
        )
        for branch_id, group_id, kind_id, months in rows:
            kind_id = counts_for[kind_id]
            held[(branch_id, kind_id, None)] |= months
            if group_id:
                held[(branch_id, kind_id, group_id)] |= months
        return cls(year, today, kinds, groups, held)

    def months(self, branch: Branch):
        """For each month: its state and what was due in it, as (kind, group, done)."""
        branch_id = branch.id
        for month in range(1, 13):
            start, end = self.bounds[month]
            if branch.established_on > end or (branch.closed_on and branch.closed_on < start):
                yield month, "none", end, []
                continue
            if start > self.today:
                yield month, "future", end, []
                continue
            due = []
            for kind, kind_id, by_group, period in self.due_in[month]:
                if not by_group:
                    due.append(
                        (kind, None, bool(self.held.get((branch_id, kind_id, None), 0) & period))
                    )
                    continue
                for group in self.groups[branch_id]:
                    if group.established_on <= end and (
                        group.dissolved_on is None or group.dissolved_on >= start
                    ):
                        mask = self.held.get((branch_id, kind_id, group.id), 0)
                        due.append((kind, group, bool(mask & period)))
            if not due:
                state = "none"
            elif all(done for _kind, _group, done in due):
                state = "done"
            elif end >= self.today:
                state = "open"
            else:
                state = "missing"
            yield month, state, end, due

    def row(self, branch: Branch) -> BranchRow:
        return BranchRow(
            branch,
            [
                Cell(month, state, [Requirement(k, g, done, end) for k, g, done in due])
                for month, state, end, due in self.months(branch)
            ],
        )


def compliance_grid(
    *, user=None, year: int, today: datetime.date | None = None, branches=None
) -> list[BranchRow]:
    """The grid for the branches the user sees (or the given branches: a page of them, or one
    for the assessment), in a constant number of queries."""
    today = today or timezone.localdate()
    chosen = branches_in_year(user=user, year=year, branches=branches)
    data = _Year.read(year=year, today=today, branches=chosen)
    return [data.row(branch) for branch in chosen]


@dataclass(frozen=True)
class Tally:
    """A branch's year in figures: the months it missed, what was due and done in the finished
    months (by month, for a period that is not the whole year)."""

    missing_months: tuple[int, ...]
    by_month: dict[int, tuple[int, int]]  # month -> (done, expected), finished months only

    @property
    def is_behind(self) -> bool:
        return bool(self.missing_months)


def _tally(months) -> Tally:
    missing, by_month = [], {}
    for month, state, _end, due in months:
        if state == "missing":
            missing.append(month)
        if state in ("done", "missing"):
            by_month[month] = (sum(1 for _k, _g, done in due if done), len(due))
    return Tally(tuple(missing), by_month)


def compliance_tallies(
    *, user=None, year: int, today: datetime.date | None = None, branches=None
) -> dict[int, Tally]:
    """Per branch id, the figures of the grid without the grid: for the street's figures, the
    branches behind and the assessment's compliance rate, over every branch at once."""
    today = today or timezone.localdate()
    chosen = branches_in_year(user=user, year=year, branches=branches)
    data = _Year.read(year=year, today=today, branches=chosen)
    return {branch.pk: _tally(data.months(branch)) for branch in chosen}


def compliance_summary(
    *, user=None, year: int, today: datetime.date | None = None, branches=None, first: int
) -> tuple[dict[int, Tally], list[BranchRow]]:
    """The tallies of every branch, and the grid of the `first` branches to look at: those
    behind (the most months missed first), then the others, by name. One reading for both."""
    today = today or timezone.localdate()
    in_year = branches_in_year(user=user, year=year, branches=branches)
    chosen = list(in_year)
    data = _Year.read(year=year, today=today, branches=in_year)
    tallies = {branch.pk: _tally(data.months(branch)) for branch in chosen}
    ranked = sorted(chosen, key=lambda branch: -len(tallies[branch.pk].missing_months))
    return tallies, [data.row(branch) for branch in ranked[:first]]


def behind_branch_ids(*, user=None, year: int, today: datetime.date | None = None) -> list[int]:
    """The branches the user sees that missed a month of the year."""
    tallies = compliance_tallies(user=user, year=year, today=today)
    return [pk for pk, tally in tallies.items() if tally.is_behind]


def due_for_branch(*, branch: Branch, today: datetime.date | None = None) -> list[Requirement]:
    """What the branch still has to hold this month (and quarter, and year). The branch is one
    the caller has already found in the user's scope (the home page's branches)."""
    today = today or timezone.localdate()
    year_start, year_end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if branch.established_on > year_end or (branch.closed_on and branch.closed_on < year_start):
        return []
    data = _Year.read(year=today.year, today=today, branches=[branch])
    return data.row(branch).cells[today.month - 1].missing
