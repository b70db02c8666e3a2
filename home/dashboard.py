"""The figures of the home pages, computed in the database (aggregates over each table, a
fixed number of queries however many rows there are)."""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from activities.compliance import compliance_grid, due_for_branch
from activities.models import ActivityLog, Suggestion
from assessments.models import Cycle, DeploymentTask, Inspection, Notification, Result
from assessments.selectors import cycle_branches_for_user
from branches.models import Branch
from branches.selectors import coverage_for_street
from members.models import Member, Participation, PioneerPost, Transfer
from projects.models import CoordinationItem, Project
from projects.selectors import SyncState, with_timeline_and_sync


def member_figures() -> dict:
    active = Participation.objects.filter(left_on__isnull=True).values("member_id")
    members = Member.objects.filter(pk__in=active)
    figures = members.aggregate(
        total=Count("id"),
        full=Count("id", filter=Q(standing=Member.Standing.FULL)),
        probationary=Count("id", filter=Q(standing=Member.Standing.PROBATIONARY)),
        floating=Count("id", filter=Q(is_floating=True)),
        pocket=Count("id", filter=Q(relation_state=Member.RelationState.IN_POCKET)),
    )
    open_states = [
        Transfer.Status.REQUESTED,
        Transfer.Status.LETTER_ISSUED,
        Transfer.Status.RECEIVED,
    ]
    transfers = Transfer.objects.aggregate(
        in_progress=Count("id", filter=Q(status__in=open_states)),
        average=Avg(
            ExpressionWrapper(F("closed_on") - F("requested_on"), output_field=DurationField()),
            filter=Q(status=Transfer.Status.COMPLETED),
        ),
    )
    figures["transfers_in_progress"] = transfers["in_progress"]
    average = transfers["average"]
    figures["transfer_days"] = round(average.total_seconds() / 86400, 1) if average else None
    figures["pioneer_posts"] = PioneerPost.objects.filter(ended_on__isnull=True).count()
    return figures


def activity_figures(*, user, today: datetime.date) -> dict:
    """Submitted activities this month and this year per branch, and the compliance grid."""
    per_branch = {
        row["branch_id"]: row
        for row in ActivityLog.objects.filter(
            status=ActivityLog.Status.SUBMITTED, held_on__year=today.year
        )
        .values("branch_id")
        .annotate(
            year=Count("id"),
            month=Count("id", filter=Q(held_on__month=today.month)),
        )
    }
    grid = compliance_grid(user=user, year=today.year, today=today)
    rows = []
    for row in grid:
        counts = per_branch.get(row.branch.pk, {})
        rows.append({"row": row, "year": counts.get("year", 0), "month": counts.get("month", 0)})
    return {
        "rows": rows,
        "behind": sum(1 for row in grid if row.is_behind),
        "month_total": sum(r["month"] for r in rows),
        "year_total": sum(r["year"] for r in rows),
    }


def sync_breaks() -> list[Project]:
    """Projects that break the first or the second synchronisation, with their dates."""
    return list(
        with_timeline_and_sync(Project.objects.select_related("community"))
        .filter(Q(setup_sync=SyncState.OUT_OF_STEP) | Q(staffing_sync=SyncState.OUT_OF_STEP))
        .order_by("name")
    )


def project_work(*, today: datetime.date) -> list[Project]:
    """Per project with a branch: coordination items open and overdue, suggestions submitted and
    adopted."""
    unresolved = ~Q(coordination_items__status=CoordinationItem.Status.RESOLVED)
    adopted = Q(suggestions__status__in=[Suggestion.Status.ADOPTED, Suggestion.Status.IMPLEMENTED])
    return list(
        Project.objects.filter(branches__status=Branch.Status.ACTIVE)
        .annotate(
            items_open=Count("coordination_items", filter=unresolved, distinct=True),
            items_overdue=Count(
                "coordination_items",
                filter=unresolved & Q(coordination_items__due_on__lt=today),
                distinct=True,
            ),
            suggestions_submitted=Count("suggestions", distinct=True),
            suggestions_adopted=Count("suggestions", filter=adopted, distinct=True),
        )
        .order_by("name")
    )


def assessment_figures(*, user) -> dict:
    current = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).order_by("-starts_on").first()
    last = (
        Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("-published_on", "-pk").first()
    )
    return {
        "current": current,
        "progress": list(cycle_branches_for_user(cycle=current, user=user)) if current else [],
        "last": last,
        "ranking": list(last.results.select_related("branch").order_by("rank")) if last else [],
    }


def street_workbench(*, user, today: datetime.date) -> dict:
    activity = activity_figures(user=user, today=today)
    members = member_figures()
    return {
        "coverage": coverage_for_street(),
        "members": members,
        "activity": activity,
        "sync_breaks": sync_breaks(),
        "projects": project_work(today=today),
        "assessment": assessment_figures(user=user),
        "charts": {
            "activities": [
                {"branch": r["row"].branch.name, "year": r["year"], "rate": r["row"].rate or 0}
                for r in activity["rows"]
            ],
        },
    }


def secretary_home(*, user, branch: Branch, today: datetime.date) -> dict:
    """What is due for the branch, then its members, latest activities and last scores."""
    open_cycles = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED)
    return {
        "branch": branch,
        "due_activities": due_for_branch(user=user, branch=branch, today=today),
        "tasks": list(
            DeploymentTask.objects.filter(
                branch=branch, done_on__isnull=True, cycle__in=open_cycles
            )
            .select_related("cycle")
            .order_by("due_on")
        ),
        "rectifications": list(
            Inspection.objects.filter(
                branch=branch, rectification_due__isnull=False, rectified_on__isnull=True
            )
            .select_related("cycle")
            .order_by("rectification_due")
        ),
        "reminders": list(
            user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:5]
        ),
        "members": Member.objects.filter(
            pk__in=Participation.objects.filter(branch=branch, left_on__isnull=True).values(
                "member_id"
            )
        ).aggregate(
            total=Count("id"),
            probationary=Count("id", filter=Q(standing=Member.Standing.PROBATIONARY)),
            floating=Count("id", filter=Q(is_floating=True)),
            pocket=Count("id", filter=Q(relation_state=Member.RelationState.IN_POCKET)),
        ),
        "latest": list(
            ActivityLog.objects.filter(branch=branch)
            .select_related("kind")
            .order_by("-held_on", "-pk")[:5]
        ),
        "result": Result.objects.filter(branch=branch)
        .select_related("cycle")
        .order_by("-cycle__ends_on")
        .first(),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
