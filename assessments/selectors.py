"""Reads for the assessment, scoped through accounts.access. Before results are published a
secretary sees only their own branch."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.access import get_in_scope_or_404, restrict
from activities.models import ActivityLog, Rule, Suggestion
from assessments import deliveries
from assessments.models import (
    HAND_SCORED_SIDES,
    Criterion,
    Cycle,
    Delivery,
    DeploymentTask,
    Inspection,
    Notification,
    Result,
    RuleVersion,
    Score,
)
from branches.models import Branch
from core.pagination import count_per, figures_for_page


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
    tasks = DeploymentTask.objects.filter(cycle=cycle)
    inspections = Inspection.objects.filter(cycle=cycle)
    # Of the items to be scored by hand (services.hand_scored_leaves_of).
    hand_scored = Score.objects.filter(
        cycle=cycle,
        criterion__method=Criterion.Method.MANUAL,
        criterion__category__in=HAND_SCORED_SIDES,
    )
    return restrict(
        cycle.branches.annotate(
            tasks_total=count_per(tasks, "branch"),
            tasks_done=count_per(tasks.filter(done_on__isnull=False), "branch"),
            inspections_held=count_per(inspections, "branch"),
            rectifications_open=count_per(
                inspections.filter(rectification_due__isnull=False, rectified_on__isnull=True),
                "branch",
            ),
            self_scored=count_per(hand_scored.filter(self_score__isnull=False), "branch"),
            committee_scored=count_per(hand_scored.filter(committee_score__isnull=False), "branch"),
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
    """The branch's scores by criterion, each with the records it points at as evidence (three
    queries for those, however many scores)."""
    return {
        s.criterion_id: s
        for s in Score.objects.filter(cycle=cycle, branch=branch).prefetch_related(
            Prefetch(
                "evidence_activities",
                queryset=ActivityLog.objects.only("pk", "title", "held_on").order_by("held_on"),
            ),
            Prefetch(
                "evidence_suggestions",
                queryset=Suggestion.objects.only("pk", "content", "submitted_on").order_by(
                    "submitted_on"
                ),
            ),
            Prefetch(
                "evidence_rules",
                queryset=Rule.objects.only("pk", "title", "document").order_by("pk"),
            ),
        )
    }


@dataclass(frozen=True)
class EvidenceChoices:
    """The records a branch's score may point at: the branch's own, of the cycle's period."""

    activities: QuerySet[ActivityLog]
    suggestions: QuerySet[Suggestion]
    rules: QuerySet[Rule]


def evidence_choices(*, cycle: Cycle, branch: Branch) -> EvidenceChoices:
    period = (cycle.starts_on, cycle.ends_on)
    return EvidenceChoices(
        activities=ActivityLog.objects.filter(
            branch=branch, status=ActivityLog.Status.SUBMITTED, held_on__range=period
        )
        .select_related("kind")
        .order_by("-held_on", "-pk"),
        suggestions=Suggestion.objects.filter(branch=branch, submitted_on__range=period).order_by(
            "-submitted_on", "-pk"
        ),
        # A rule counts while in force: made before or during the period.
        rules=Rule.objects.filter(branch=branch, effective_on__lte=cycle.ends_on).order_by(
            "-effective_on", "-pk"
        ),
    )


def evidence_counts_for_user(*, cycle: Cycle, user, branch_ids) -> dict[int, int]:
    """How many records and documents each branch's scores point at, for the branches among
    `branch_ids` the user may see (five queries)."""
    visible = restrict(Branch.objects.filter(pk__in=list(branch_ids)), user, branch_path="id")
    counts: dict[int, int] = dict.fromkeys(visible.values_list("pk", flat=True), 0)
    scores = Score.objects.filter(cycle=cycle, branch_id__in=list(counts))
    for field in ("evidence_activities", "evidence_suggestions", "evidence_rules"):
        through = Score._meta.get_field(field).remote_field.through
        rows = (
            through.objects.filter(score__in=scores)
            .values("score__branch_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["score__branch_id"]] = counts.get(row["score__branch_id"], 0) + row["n"]
    for row in scores.exclude(evidence_file="").values("branch_id").annotate(n=Count("pk")):
        counts[row["branch_id"]] = counts.get(row["branch_id"], 0) + row["n"]
    return counts


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


def failing_deliveries() -> QuerySet[Delivery]:
    """Deliveries staff must see (deliveries.failing): failed ones and long-pending ones, oldest
    first, with their reminder and recipient. A page for street staff only."""
    return (
        Delivery.objects.filter(deliveries.failing(now=timezone.now()))
        .select_related("notification__recipient", "robot")
        .order_by("created_at", "pk")
    )


def delivery_get(*, pk: int) -> Delivery:
    return get_object_or_404(Delivery, pk=pk)


def failing_reminder_count() -> int:
    """How many reminders have a delivery failing or long pending (the workbench's figure)."""
    return (
        Delivery.objects.filter(deliveries.failing(now=timezone.now()))
        .values("notification_id")
        .distinct()
        .count()
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
