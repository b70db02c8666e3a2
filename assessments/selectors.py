"""Reads for the assessment, scoped through accounts.access. Before results are published a
secretary sees only their own branch."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.access import get_in_scope_or_404, restrict
from assessments.models import (
    HAND_SCORED_SIDES,
    Criterion,
    Cycle,
    DeploymentTask,
    Inspection,
    Notification,
    Result,
    RuleVersion,
    Score,
)
from branches.models import Branch
from core.pagination import figures_for_page


def cycle_list_for_user(*, user) -> QuerySet[Cycle]:
    return restrict(
        Cycle.objects.select_related("version"), user, branch_path="branches__id"
    ).order_by("-starts_on", "-pk")


def cycle_figures_for_page(page) -> None:
    """The number of branches assessed, for the cycles of one page only."""
    figures_for_page(page, Cycle.objects, branch_count=Count("branches"))


def cycle_get_for_user(*, user, pk: int) -> Cycle:
    return get_in_scope_or_404(
        Cycle.objects.select_related("version"), user, branch_path="branches__id", pk=pk
    )


def cycle_branches_for_user(*, cycle: Cycle, user) -> QuerySet[Branch]:
    """The cycle's branches the user sees, with their progress counted in the database."""
    hand_scored = Q(
        scores__cycle=cycle,
        scores__criterion__method=Criterion.Method.MANUAL,
        scores__criterion__category__in=HAND_SCORED_SIDES,
    )
    return restrict(
        cycle.branches.annotate(
            tasks_total=Count(
                "assessment_tasks", filter=Q(assessment_tasks__cycle=cycle), distinct=True
            ),
            tasks_done=Count(
                "assessment_tasks",
                filter=Q(assessment_tasks__cycle=cycle, assessment_tasks__done_on__isnull=False),
                distinct=True,
            ),
            inspections_held=Count(
                "inspections", filter=Q(inspections__cycle=cycle), distinct=True
            ),
            rectifications_open=Count(
                "inspections",
                filter=Q(
                    inspections__cycle=cycle,
                    inspections__rectification_due__isnull=False,
                    inspections__rectified_on__isnull=True,
                ),
                distinct=True,
            ),
            # Of the items to be scored by hand (services.hand_scored_leaves_of).
            self_scored=Count(
                "scores",
                filter=hand_scored & Q(scores__self_score__isnull=False),
                distinct=True,
            ),
            committee_scored=Count(
                "scores",
                filter=hand_scored & Q(scores__committee_score__isnull=False),
                distinct=True,
            ),
        ),
        user,
        branch_path="id",
    ).order_by("name")


def tasks_for_user(*, cycle: Cycle, user) -> QuerySet[DeploymentTask]:
    return restrict(cycle.tasks.select_related("branch"), user, branch_path="branch_id").order_by(
        "branch__name", "due_on"
    )


def inspections_for_user(*, cycle: Cycle, user) -> QuerySet[Inspection]:
    return restrict(
        cycle.inspections.select_related("branch"), user, branch_path="branch_id"
    ).order_by("branch__name", "held_on")


def task_get_for_user(*, user, pk: int) -> DeploymentTask:
    return get_in_scope_or_404(
        DeploymentTask.objects.select_related("cycle", "branch"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def inspection_get_for_user(*, user, pk: int) -> Inspection:
    return get_in_scope_or_404(
        Inspection.objects.select_related("cycle", "branch"), user, branch_path="branch_id", pk=pk
    )


def published_results(*, cycle: Cycle) -> QuerySet[Result]:
    """Published results are for everyone in the cycle: the committee's comparison of branches."""
    return cycle.results.select_related("branch").order_by("rank", "branch__name")


def scores_for(*, cycle: Cycle, branch: Branch) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.filter(cycle=cycle, branch=branch)}


def criteria_tree(*, version: RuleVersion) -> list[tuple[Criterion, int]]:
    """The criteria in reading order with their depth (0 for a category)."""
    criteria = list(version.criteria.order_by("order", "code"))
    children: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)
    ordered: list[tuple[Criterion, int]] = []

    def walk(parent_id, depth):
        for criterion in children.get(parent_id, []):
            ordered.append((criterion, depth))
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return ordered


def version_list() -> QuerySet[RuleVersion]:
    return RuleVersion.objects.order_by("-year", "-pk")


def version_figures_for_page(page) -> None:
    """The number of criteria, for the versions of one page only."""
    figures_for_page(page, RuleVersion.objects, criteria_count=Count("criteria"))


def notifications_for(*, user) -> QuerySet[Notification]:
    return user.notifications.order_by("-created_at", "-pk")


def failed_deliveries() -> QuerySet[Notification]:
    return (
        Notification.objects.filter(email_status=Notification.Email.FAILED)
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def third_sync_for_project(*, project) -> list[dict]:
    """For each cycle of the project's branches: deployed, inspected and assessed together?"""
    branches = Branch.objects.filter(project=project)
    rows = []
    cycles = (
        Cycle.objects.filter(branches__in=branches)
        .distinct()
        .annotate(
            deployed=Exists(
                DeploymentTask.objects.filter(cycle=OuterRef("pk"), branch__in=branches)
            ),
            inspected=Exists(Inspection.objects.filter(cycle=OuterRef("pk"), branch__in=branches)),
            assessed=Exists(Result.objects.filter(cycle=OuterRef("pk"), branch__in=branches)),
        )
        .prefetch_related(Prefetch("results", queryset=Result.objects.filter(branch__in=branches)))
        .order_by("-starts_on")
    )
    for cycle in cycles:
        result = next(iter(cycle.results.all()), None)
        rows.append({"cycle": cycle, "result": result})
    return rows
