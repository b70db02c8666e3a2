"""The computed criteria: rates drawn from the portal's own data for each branch over a cycle's
period, as of the cycle's end. A rate is between 0 and 1; where there is nothing to measure
(no item came due, no transfer was needed) it is None and the criterion earns its full score:
a branch is not marked down for what did not happen.

Each metric is computed for all the branches of a cycle at once: one aggregate grouped by
branch (the activity compliance: one per calendar year of the period), whatever their number."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count, F, Q

from activities.compliance import compliance_tallies
from activities.models import Suggestion
from assessments.models import Criterion, Cycle, Inspection
from branches.models import Branch
from members.models import Member, Participation, Transfer
from projects.models import CoordinationItem, ProjectStage

Metric = Criterion.Metric
Rates = dict[int, Decimal | None]  # branch id -> rate


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _ids(branches: Sequence[Branch]) -> list[int]:
    return [branch.pk for branch in branches]


def activity_compliance(
    branches: Sequence[Branch], start: datetime.date, end: datetime.date
) -> Rates:
    done = dict.fromkeys(_ids(branches), 0)
    expected = dict.fromkeys(_ids(branches), 0)
    for year in range(start.year, end.year + 1):
        tallies = compliance_tallies(
            year=year,
            today=end + datetime.timedelta(days=1),
            branches=Branch.objects.filter(pk__in=_ids(branches)),
        )
        for branch_id, tally in tallies.items():
            for month, (month_done, month_expected) in tally.by_month.items():
                if start <= datetime.date(year, month, 1) <= end:
                    done[branch_id] += month_done
                    expected[branch_id] += month_expected
    return {pk: _ratio(done[pk], expected[pk]) for pk in done}


def pocket_transferred(
    branches: Sequence[Branch], start: datetime.date, end: datetime.date
) -> Rates:
    completed = dict(
        Transfer.objects.filter(
            to_branch__in=_ids(branches),
            status=Transfer.Status.COMPLETED,
            closed_on__range=(start, end),
        )
        .values_list("to_branch_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    still_pocket = dict(
        Participation.objects.filter(
            branch__in=_ids(branches),
            joined_on__lte=end,
            member__relation_state=Member.RelationState.IN_POCKET,
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .values_list("branch_id")
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )
    return {
        pk: _ratio(completed.get(pk, 0), completed.get(pk, 0) + still_pocket.get(pk, 0))
        for pk in _ids(branches)
    }


def _on_time(rows, branch_ids: list[int]) -> Rates:
    """Rates from (branch id, part, whole) rows; a branch without a row has nothing to measure."""
    figures = {pk: (part, whole) for pk, part, whole in rows}
    return {pk: _ratio(*figures.get(pk, (0, 0))) for pk in branch_ids}


def coordination_on_time(
    branches: Sequence[Branch], start: datetime.date, end: datetime.date
) -> Rates:
    rows = (
        CoordinationItem.objects.filter(branch__in=_ids(branches), due_on__range=(start, end))
        .values_list("branch_id")
        .annotate(on_time=Count("id", filter=Q(resolved_on__lte=F("due_on"))), due=Count("id"))
        .order_by()
    )
    return _on_time(rows, _ids(branches))


def stages_on_time(branches: Sequence[Branch], start: datetime.date, end: datetime.date) -> Rates:
    by_project = {
        project_id: (met, due)
        for project_id, met, due in ProjectStage.objects.filter(
            project__in=[b.project_id for b in branches if b.project_id],
            planned_on__range=(start, end),
        )
        .values_list("project_id")
        .annotate(met=Count("id", filter=Q(actual_on__lte=F("planned_on"))), due=Count("id"))
        .order_by()
    }
    return {b.pk: _ratio(*by_project.get(b.project_id, (0, 0))) for b in branches}


def suggestions_adopted(
    branches: Sequence[Branch], start: datetime.date, end: datetime.date
) -> Rates:
    rows = (
        Suggestion.objects.filter(branch__in=_ids(branches), reviewed_on__range=(start, end))
        .values_list("branch_id")
        .annotate(
            adopted=Count(
                "id",
                filter=Q(status__in=[Suggestion.Status.ADOPTED, Suggestion.Status.IMPLEMENTED]),
            ),
            reviewed=Count("id"),
        )
        .order_by()
    )
    return _on_time(rows, _ids(branches))


def rectified_on_time(branches: Sequence[Branch], cycle: Cycle) -> Rates:
    rows = (
        Inspection.objects.filter(
            cycle=cycle, branch__in=_ids(branches), rectification_due__isnull=False
        )
        .values_list("branch_id")
        .annotate(
            on_time=Count("id", filter=Q(rectified_on__lte=F("rectification_due"))),
            due=Count("id"),
        )
        .order_by()
    )
    return _on_time(rows, _ids(branches))


def rates(metric: str, *, branches: Sequence[Branch], cycle: Cycle) -> Rates:
    """The metric for every branch given (their ids as keys), in a fixed number of queries."""
    start, end = cycle.starts_on, cycle.ends_on
    if metric == Metric.RECTIFIED_ON_TIME:
        return rectified_on_time(branches, cycle)
    return {
        Metric.ACTIVITY_COMPLIANCE: activity_compliance,
        Metric.POCKET_TRANSFERRED: pocket_transferred,
        Metric.COORDINATION_ON_TIME: coordination_on_time,
        Metric.STAGES_ON_TIME: stages_on_time,
        Metric.SUGGESTIONS_ADOPTED: suggestions_adopted,
    }[metric](branches, start, end)
