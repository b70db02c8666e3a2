"""The figures of the home pages, computed in the database (aggregates over each table, a
fixed number of queries however many rows there are)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.utils import timezone

from accounts.access import is_street_staff, restrict
from activities.compliance import (
    branches_in_year,
    compliance_summary,
    due_for_branch,
    period_end,
)
from activities.models import ActivityLog, Suggestion
from assessments.models import Cycle, DeploymentTask, Inspection, Result
from assessments.selectors import cycle_branches_for_user, failing_reminder_count
from branches.models import Branch
from branches.selectors import (
    coverage_for_street,
    current_term,
    flagged_branches,
    terms_due,
)
from core import outbox
from core.pagination import count_per
from members import moves, recruitment
from members.models import Candidate, Member, Participation, PioneerPost, Transfer, TransferLetter
from projects.models import Community, CoordinationItem, Project, Street
from projects.selectors import SyncState, projects_needing_branch, with_timeline_and_sync

ROWS = 10  # per-branch and per-project tables on the workbench: those needing attention first


@dataclass(frozen=True)
class Scope:
    """The part of the street the workbench shows: all of it, one project, one community's
    projects or one street's. Each figure is filtered by the branches or projects in scope."""

    project: Project | None = None
    community: Community | None = None
    street: Street | None = None

    @property
    def is_narrowed(self) -> bool:
        return bool(self.project or self.community or self.street)

    def projects(self, prefix: str = "") -> Q:
        """Rows whose project (at `prefix`, e.g. "project__") is in scope."""
        if self.project:
            return Q(**{f"{prefix}pk": self.project.pk})
        if self.community:
            return Q(**{f"{prefix}community": self.community})
        if self.street:
            return Q(**{f"{prefix}community__street": self.street})
        return Q()

    @property
    def query(self) -> str:
        """The scope as the lists behind the figures take it (projects.filters.ScopeFilterMixin):
        "project=3", or "" for the whole street."""
        for name in ("project", "community", "street"):
            if chosen := getattr(self, name):
                return f"{name}={chosen.pk}"
        return ""

    def branches(self, prefix: str = "") -> Q:
        """Rows whose branch (at `prefix`, e.g. "branch__") is in scope."""
        return self.projects(f"{prefix}project__") if self.is_narrowed else Q()


WHOLE_STREET = Scope()


def member_figures(scope: Scope = WHOLE_STREET) -> dict:
    active = Participation.objects.filter(scope.branches("branch__"), left_on__isnull=True)
    members = Member.objects.filter(pk__in=active.values("member_id"))
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
    transfers = Transfer.objects.filter(scope.branches("to_branch__")).aggregate(
        in_progress=Count("id", filter=Q(status__in=open_states)),
        average=Avg(
            ExpressionWrapper(F("closed_on") - F("requested_on"), output_field=DurationField()),
            filter=Q(status=Transfer.Status.COMPLETED),
        ),
    )
    figures["transfers_in_progress"] = transfers["in_progress"]
    average = transfers["average"]
    figures["transfer_days"] = round(average.total_seconds() / 86400, 1) if average else None
    figures["pioneer_posts"] = PioneerPost.objects.filter(
        scope.projects("project__"), ended_on__isnull=True
    ).count()
    return figures


def move_and_recruiting_figures(*, user, today: datetime.date, scope: Scope = WHOLE_STREET) -> dict:
    """The deadlines of recruiting (due within the month, overdue) and of the transfer letters
    (past their validity, receipts overdue) in the branches in scope: two aggregate queries."""
    return {
        "recruiting": recruitment.deadline_counts(
            candidates=restrict(
                Candidate.objects.filter(scope.branches("branch__")), user, branch_path="branch_id"
            ),
            today=today,
        ),
        "letters": moves.letter_flag_counts(
            letters=restrict(
                TransferLetter.objects.filter(scope.branches("branch__")),
                user,
                branch_path="branch_id",
            ),
            today=today,
        ),
    }


def activity_figures(*, user, today: datetime.date, scope: Scope = WHOLE_STREET) -> dict:
    """Submitted activities this month and this year, the branches behind, and the compliance
    grid of the few branches to look at first: those behind (most months missed first), then
    the others by name. Aggregates over every branch; the grid only for the rows shown."""
    branches = branches_in_year(
        year=today.year,
        branches=restrict(Branch.objects.filter(scope.branches()), user, branch_path="id"),
    )
    logs = ActivityLog.objects.filter(
        status=ActivityLog.Status.SUBMITTED, held_on__year=today.year, branch__in=branches
    )
    totals = logs.aggregate(
        year=Count("id"), month=Count("id", filter=Q(held_on__month=today.month))
    )
    tallies, grid = compliance_summary(year=today.year, today=today, branches=branches, first=ROWS)
    per_branch = {
        row["branch_id"]: row
        for row in logs.filter(branch__in=[row.branch.pk for row in grid])
        .values("branch_id")
        .annotate(year=Count("id"), month=Count("id", filter=Q(held_on__month=today.month)))
        .order_by()
    }
    rows = []
    for row in grid:
        counts = per_branch.get(row.branch.pk, {})
        rows.append({"row": row, "year": counts.get("year", 0), "month": counts.get("month", 0)})
    month_from = today.replace(day=1)
    return {
        "rows": rows,
        # The periods counted, for the links to the lists behind the figures.
        "month_from": month_from,
        "month_until": period_end(today.year, today.month),
        "year_from": datetime.date(today.year, 1, 1),
        "year_until": datetime.date(today.year, 12, 31),
        "branch_count": len(tallies),
        "behind": sum(1 for tally in tallies.values() if tally.is_behind),
        "month_total": totals["month"],
        "year_total": totals["year"],
    }


def sync_breaks(scope: Scope = WHOLE_STREET) -> dict:
    """Projects that break the first or the second synchronisation, with their dates: the
    first few by name, and how many in all."""
    breaks = with_timeline_and_sync(
        Project.objects.filter(scope.projects()).select_related("community")
    ).filter(Q(setup_sync=SyncState.OUT_OF_STEP) | Q(staffing_sync=SyncState.OUT_OF_STEP))
    return _first_rows(breaks.order_by("name"))


def _first_rows(queryset) -> dict:
    """The first ROWS rows of an ordered queryset and how many there are in all, in one query
    (the total is a window over the whole filtered set, taken before the LIMIT)."""
    rows = list(queryset.annotate(in_all=Window(Count("pk")))[:ROWS])
    return {"rows": rows, "count": rows[0].in_all if rows else 0}


def project_work(*, today: datetime.date, scope: Scope = WHOLE_STREET) -> dict:
    """Per project with an active branch: coordination items open and overdue, suggestions
    submitted and adopted; the projects with the most overdue, then open, items first."""
    unresolved = CoordinationItem.objects.exclude(status=CoordinationItem.Status.RESOLVED)
    suggestions = Suggestion.objects.all()
    adopted = [Suggestion.Status.ADOPTED, Suggestion.Status.IMPLEMENTED]
    projects = Project.objects.filter(scope.projects()).filter(
        Exists(Branch.objects.filter(project=OuterRef("pk"), status=Branch.Status.ACTIVE))
    )
    rows = projects.annotate(
        items_open=count_per(unresolved, "project"),
        items_overdue=count_per(unresolved.filter(due_on__lt=today), "project"),
        suggestions_submitted=count_per(suggestions, "project"),
        suggestions_adopted=count_per(suggestions.filter(status__in=adopted), "project"),
    ).order_by("-items_overdue", "-items_open", "name")
    return _first_rows(rows)


def assessment_figures(*, user, scope: Scope = WHOLE_STREET) -> dict:
    """The cycle under way (its branches with open rectifications and unfinished tasks first)
    and the top of the last published ranking."""
    current = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).order_by("-starts_on").first()
    progress = {"rows": [], "count": 0}
    if current:
        progress = _first_rows(
            cycle_branches_for_user(cycle=current, user=user)
            .filter(scope.branches())
            .order_by(
                F("rectifications_open").desc(),
                (F("tasks_total") - F("tasks_done")).desc(),
                "name",
            )
        )
    # The last published cycle comes with the top of its ranking.
    last = Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("-published_on", "-pk")[:1]
    ranking = list(
        Result.objects.filter(scope.branches("branch__"), cycle__in=Subquery(last.values("pk")))
        .select_related("branch", "cycle")
        .order_by("rank", "branch__name")[:ROWS]
    )
    return {
        "current": current,
        "progress": progress["rows"],
        "branch_count": progress["count"],
        "last": ranking[0].cycle if ranking else None,
        "ranking": ranking,
    }


def street_workbench(*, user, today: datetime.date, scope: Scope = WHOLE_STREET) -> dict:
    """The street's figures. They are aggregates over every branch in scope (a year of activity
    logs among them): at city scale they take seconds to compute, so they are kept for
    PORTAL_WORKBENCH_CACHE_SECONDS (the page says as of when). What tells staff that something
    is stuck right now is read live."""
    # Kept only for street staff, who all see the whole street: the figures do not depend on who.
    seconds = settings.PORTAL_WORKBENCH_CACHE_SECONDS if is_street_staff(user) else 0
    key = "workbench:{}:{}:{}:{}".format(
        today.isoformat(),
        scope.project.pk if scope.project else "",
        scope.community.pk if scope.community else "",
        scope.street.pk if scope.street else "",
    )
    figures = cache.get(key) if seconds else None
    if figures is None:
        figures = _street_figures(user=user, today=today, scope=scope)
        # The Party's rules on organisation (terms, set-up rules) are read over every branch and
        # project: kept with the figures.
        figures["organisation"] = organisation_rules(user=user, today=today, scope=scope)
        figures["computed_at"] = timezone.now()
        if seconds:
            cache.set(key, figures, seconds)
    return {
        **figures,
        "cached_for": seconds,
        # What keeps the cycle on time: reminders that are not getting through, and jobs waiting
        # for the queue (both heal by themselves; staff should know).
        "failing_reminders": failing_reminder_count(),
        "waiting_jobs": outbox.waiting_count(),
    }


def organisation_rules(*, user, today: datetime.date, scope: Scope = WHOLE_STREET) -> dict:
    """Terms expired or ending within six months, branches breaking a set-up rule, projects
    that should have a branch and have none."""
    return {
        "terms_due": terms_due(user=user, today=today, within=scope.branches("branch__")),
        "flagged_branches": flagged_branches(user=user, within=scope.branches()),
        "projects_needing_branch": projects_needing_branch(
            projects=Project.objects.filter(scope.projects())
        ),
    }


def _street_figures(*, user, today: datetime.date, scope: Scope) -> dict:
    activity = activity_figures(user=user, today=today, scope=scope)
    breaks = sync_breaks(scope)
    projects = project_work(today=today, scope=scope)
    return {
        "scope": scope,
        "coverage": coverage_for_street(
            projects=Project.objects.filter(scope.projects()) if scope.is_narrowed else None
        ),
        "members": member_figures(scope),
        "deadlines": move_and_recruiting_figures(user=user, today=today, scope=scope),
        "activity": activity,
        "sync_breaks": breaks["rows"],
        "sync_break_count": breaks["count"],
        "projects": projects["rows"],
        "project_count": projects["count"],
        "assessment": assessment_figures(user=user, scope=scope),
        "charts": {
            "activities": [
                {"branch": r["row"].branch.name, "year": r["year"], "rate": r["row"].rate or 0}
                for r in activity["rows"]
            ],
        },
    }


def branch_member_figures(*, branch: Branch) -> dict:
    """The members active in the branch: all, probationary, floating, "in the pocket".

    Counted over the branch's active participations (a member is active in one branch at most:
    one_active_participation_per_member), each member probed by key. The branch is named by a
    subquery so that the database plans for a branch of average size (some 50 members): planned
    for the busiest branch's 3,353 it reads all 100,000 members into a hash instead (19 ms,
    against under 4 ms probing)."""
    this_branch = Branch.objects.filter(pk=branch.pk).values("pk")
    return Participation.objects.filter(
        branch=Subquery(this_branch), left_on__isnull=True
    ).aggregate(
        total=Count("id"),
        probationary=Count("id", filter=Q(member__standing=Member.Standing.PROBATIONARY)),
        floating=Count("id", filter=Q(member__is_floating=True)),
        pocket=Count("id", filter=Q(member__relation_state=Member.RelationState.IN_POCKET)),
    )


def secretary_home(*, user, branch: Branch, today: datetime.date) -> dict:
    """What is due for the branch, then its members, latest activities and last scores."""
    open_cycles = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED)
    return {
        "branch": branch,
        "term": current_term(branch=branch),
        "due_activities": due_for_branch(branch=branch, today=today),
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
        "members": branch_member_figures(branch=branch),
        "latest": list(
            ActivityLog.objects.filter(branch=branch)
            .select_related("kind")
            .order_by("-held_on", "-pk")[:5]
        ),
        "result": Result.objects.filter(branch=branch)
        .select_related("cycle")
        .order_by("-cycle__ends_on")
        .first(),
        "recruiting": recruitment.deadline_counts(candidates=branch.candidates.all(), today=today),
        "letters": moves.letter_flag_counts(letters=branch.transfer_letters.all(), today=today),
    }
