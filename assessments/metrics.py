"""The computed criteria: rates drawn from the portal's own data for one branch over a cycle's
period, as of the cycle's end. A rate is between 0 and 1; where there is nothing to measure
(no item came due, no transfer was needed) it is None and the criterion earns its full score:
a branch is not marked down for what did not happen."""

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q

from activities.compliance import compliance_grid
from activities.models import Suggestion
from assessments.models import Criterion, Cycle, Inspection
from branches.models import Branch
from members.models import Member, Participation, Transfer
from projects.models import CoordinationItem, ProjectStage

Metric = Criterion.Metric


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def activity_compliance(branch: Branch, start: datetime.date, end: datetime.date) -> Decimal | None:
    done = expected = 0
    for year in range(start.year, end.year + 1):
        rows = compliance_grid(
            year=year,
            today=end + datetime.timedelta(days=1),
            branches=Branch.objects.filter(pk=branch.pk),
        )
        for row in rows:
            for cell in row.cells:
                month_start = datetime.date(year, cell.month, 1)
                if start <= month_start <= end and cell.state in ("done", "missing"):
                    done += cell.done
                    expected += cell.expected
    return _ratio(done, expected)


def pocket_transferred(branch: Branch, start: datetime.date, end: datetime.date) -> Decimal | None:
    completed = Transfer.objects.filter(
        to_branch=branch, status=Transfer.Status.COMPLETED, closed_on__range=(start, end)
    ).count()
    still_pocket = Member.objects.filter(
        relation_state=Member.RelationState.IN_POCKET,
        pk__in=Participation.objects.filter(branch=branch, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .values("member_id"),
    ).count()
    return _ratio(completed, completed + still_pocket)


def coordination_on_time(
    branch: Branch, start: datetime.date, end: datetime.date
) -> Decimal | None:
    figures = CoordinationItem.objects.filter(branch=branch, due_on__range=(start, end)).aggregate(
        due=Count("id"), on_time=Count("id", filter=Q(resolved_on__lte=F("due_on")))
    )
    return _ratio(figures["on_time"], figures["due"])


def stages_on_time(branch: Branch, start: datetime.date, end: datetime.date) -> Decimal | None:
    figures = ProjectStage.objects.filter(
        project_id=branch.project_id, planned_on__range=(start, end)
    ).aggregate(due=Count("id"), met=Count("id", filter=Q(actual_on__lte=F("planned_on"))))
    return _ratio(figures["met"], figures["due"])


def suggestions_adopted(branch: Branch, start: datetime.date, end: datetime.date) -> Decimal | None:
    figures = Suggestion.objects.filter(branch=branch, reviewed_on__range=(start, end)).aggregate(
        reviewed=Count("id"),
        adopted=Count("id", filter=Q(status__in=["adopted", "implemented"])),
    )
    return _ratio(figures["adopted"], figures["reviewed"])


def rectified_on_time(branch: Branch, cycle: Cycle) -> Decimal | None:
    figures = Inspection.objects.filter(
        cycle=cycle, branch=branch, rectification_due__isnull=False
    ).aggregate(
        due=Count("id"),
        on_time=Count("id", filter=Q(rectified_on__lte=F("rectification_due"))),
    )
    return _ratio(figures["on_time"], figures["due"])


def rate(metric: str, *, branch: Branch, cycle: Cycle) -> Decimal | None:
    start, end = cycle.starts_on, cycle.ends_on
    if metric == Metric.RECTIFIED_ON_TIME:
        return rectified_on_time(branch, cycle)
    return {
        Metric.ACTIVITY_COMPLIANCE: activity_compliance,
        Metric.POCKET_TRANSFERRED: pocket_transferred,
        Metric.COORDINATION_ON_TIME: coordination_on_time,
        Metric.STAGES_ON_TIME: stages_on_time,
        Metric.SUGGESTIONS_ADOPTED: suggestions_adopted,
    }[metric](branch, start, end)
