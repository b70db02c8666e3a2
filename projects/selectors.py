"""Reads for projects. Every list goes through accounts.access; figures are computed in the
database (annotations), so a list costs the same few queries however many rows it shows."""

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import get_in_scope_or_404, is_street_staff, restrict
from branches.models import Branch, PartyGroup, Seat
from core import party_rules
from core.pagination import figures_for_page
from projects.models import (
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    ProjectStage,
    Stage,
    WorkingGroup,
    WorkingGroupMember,
)


class SyncState(models.TextChoices):
    """How a synchronisation (同步组建, 同步配备) stands for a project."""

    IN_STEP = "in_step", _("In step")
    OUT_OF_STEP = "out_of_step", _("Out of step")
    PENDING = "pending", _("Not yet due")
    UNKNOWN = "unknown", _("Dates missing")


def _first(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(field).values(field)[:1], output_field=DateField())


def _actual_date_of(stage: str) -> Subquery:
    return _first(
        ProjectStage.objects.filter(project=OuterRef("pk"), stage=stage, actual_on__isnull=False),
        "actual_on",
    )


def _sync_state(construction: str, party: str, gap: str, today: datetime.date) -> Case:
    """The Party side's date must fall within N days (either way) of the construction side's;
    while the Party side is missing, the project is out of step once N days have passed."""
    tolerance = timedelta(days=settings.SYNC_TOLERANCE_DAYS)
    return Case(
        When(**{f"{construction}__isnull": True}, then=Value(SyncState.UNKNOWN)),
        When(
            Q(**{f"{party}__isnull": True}) & Q(**{f"{construction}__lt": today - tolerance}),
            then=Value(SyncState.OUT_OF_STEP),
        ),
        When(**{f"{party}__isnull": True}, then=Value(SyncState.PENDING)),
        When(
            Q(**{f"{gap}__gt": tolerance}) | Q(**{f"{gap}__lt": -tolerance}),
            then=Value(SyncState.OUT_OF_STEP),
        ),
        default=Value(SyncState.IN_STEP),
        output_field=models.CharField(),
    )


def with_timeline_and_sync(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate each project with its current stage, key dates, lead times and the state of the
    first two synchronisations (the third comes with the assessment cycles)."""
    today = timezone.localdate()
    return (
        queryset.annotate(
            branch_established_on=_first(
                Branch.objects.filter(project=OuterRef("pk")), "established_on"
            ),
            first_secretary_on=_first(
                Seat.objects.filter(branch__project=OuterRef("pk"), kind=Seat.Kind.SECRETARY),
                "started_on",
            ),
            first_manager_on=_first(
                ProjectManager.objects.filter(project=OuterRef("pk")), "appointed_on"
            ),
            current_stage=Subquery(
                ProjectStage.objects.filter(project=OuterRef("pk"), actual_on__isnull=False)
                .order_by("-sequence")
                .values("stage")[:1]
            ),
            approval_on=_actual_date_of(Stage.APPROVAL),
            start_on=_actual_date_of(Stage.CONSTRUCTION_START),
            completion_on=_actual_date_of(Stage.COMPLETION),
        )
        .annotate(
            setup_gap=ExpressionWrapper(
                F("branch_established_on") - F("engineering_established_on"),
                output_field=DurationField(),
            ),
            staffing_gap=ExpressionWrapper(
                F("first_secretary_on") - F("first_manager_on"), output_field=DurationField()
            ),
            approval_to_start=ExpressionWrapper(
                F("start_on") - F("approval_on"), output_field=DurationField()
            ),
            start_to_completion=ExpressionWrapper(
                F("completion_on") - F("start_on"), output_field=DurationField()
            ),
        )
        .annotate(
            setup_sync=_sync_state(
                "engineering_established_on", "branch_established_on", "setup_gap", today
            ),
            staffing_sync=_sync_state(
                "first_manager_on", "first_secretary_on", "staffing_gap", today
            ),
        )
    )


def _current_participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=ProjectEnterprise.objects.filter(ended_on__isnull=True)
        .select_related("enterprise")
        .order_by("role", "enterprise__name"),
        to_attr="current_participations",
    )


def _active_branches() -> Prefetch:
    return Prefetch(
        "branches",
        queryset=Branch.objects.filter(status=Branch.Status.ACTIVE),
        to_attr="active_branches",
    )


# The project list's order (the name is unique, with its own index). Its pages are read by key:
# with an OFFSET, PostgreSQL computes the timeline's subqueries of every row it skips (page 41 of
# 2,000 projects took 0.43 s).
PROJECT_ORDER = ("name", "pk")


def project_list_for_user(*, user) -> QuerySet[Project]:
    queryset = (
        with_timeline_and_sync(Project.objects.select_related("community"))
        .prefetch_related(_current_participations(), _active_branches())
        .order_by(*PROJECT_ORDER)
    )
    return restrict(queryset, user, branch_path="branches__id")


def project_figures_for_page(page) -> None:
    """Open and overdue coordination items, for the projects of one page only (a count over the
    whole list would put every correlated subquery of the timeline under its GROUP BY)."""
    today = timezone.localdate()
    still_open = ~Q(coordination_items__status=CoordinationItem.Status.RESOLVED)
    figures_for_page(
        page,
        Project.objects,
        open_items=Count("coordination_items", filter=still_open),
        overdue_items=Count(
            "coordination_items", filter=still_open & Q(coordination_items__due_on__lt=today)
        ),
    )


def project_get_for_user(*, user, pk: int) -> Project:
    queryset = with_timeline_and_sync(
        Project.objects.select_related("community", "community__street")
    )
    return get_in_scope_or_404(queryset, user, branch_path="branches__id", pk=pk)


def project_for_staff_or_404(*, user, pk: int) -> Project:
    """A project for an edit page; scope is checked by the view's staff-only decorator."""
    return get_in_scope_or_404(Project.objects.all(), user, branch_path="branches__id", pk=pk)


def branches_of_project(*, project: Project) -> QuerySet[Branch]:
    """The project's branches, the active one first, then earlier ones newest first."""
    return project.branches.order_by("status", "-established_on")


def participation_history_for_project(*, project: Project) -> QuerySet[ProjectEnterprise]:
    return project.participations.select_related("enterprise").order_by(
        "role", F("ended_on").desc(nulls_first=True), "enterprise__name"
    )


def managers_of_project(*, project: Project) -> QuerySet[ProjectManager]:
    return project.managers.select_related("enterprise").order_by("-appointed_on")


# The timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    stage: Stage
    planned_on: datetime.date | None
    actual_on: datetime.date | None
    is_current: bool
    days_late: int | None  # done after the plan, or still open past it
    is_overdue: bool  # planned date passed, not done

    @property
    def is_done(self) -> bool:
        return self.actual_on is not None


def timeline_of_project(*, project: Project) -> list[TimelineRow]:
    today = timezone.localdate()
    rows = {row.stage: row for row in project.stages.all()}
    current = getattr(project, "current_stage", None)
    timeline = []
    for stage in Stage:
        row = rows.get(stage.value)
        planned = row.planned_on if row else None
        actual = row.actual_on if row else None
        overdue = bool(planned and not actual and planned < today)
        if planned and actual and actual > planned:
            late = (actual - planned).days
        elif overdue:
            late = (today - planned).days
        else:
            late = None
        timeline.append(
            TimelineRow(
                stage=stage,
                planned_on=planned,
                actual_on=actual,
                is_current=stage.value == current,
                days_late=late,
                is_overdue=overdue,
            )
        )
    return timeline


def lead_time_figures(projects: QuerySet[Project]) -> dict:
    """Fastest, median and slowest approval-to-start, in days, counted in the database (the
    median is the middle row of the list ordered by that lead time)."""
    known = projects.filter(approval_to_start__isnull=False)
    figures = known.aggregate(
        count=Count("pk"), fastest=Min("approval_to_start"), slowest=Max("approval_to_start")
    )
    if not figures["count"]:
        return {"fastest": None, "median": None, "slowest": None}
    middle = known.order_by("approval_to_start", "pk").values_list("approval_to_start", flat=True)
    return {
        "fastest": figures["fastest"].days,
        "median": middle[figures["count"] // 2].days,
        "slowest": figures["slowest"].days,
    }


def lead_times_for_street(*, user) -> QuerySet[Project]:
    """Every visible project with an approval date, with its lead times (in the database)."""
    queryset = with_timeline_and_sync(Project.objects.select_related("community")).filter(
        approval_on__isnull=False
    )
    return restrict(queryset, user, branch_path="branches__id").order_by(
        F("approval_to_start").asc(nulls_last=True), "name", "pk"
    )


# Working groups ----------------------------------------------------------------------------------


def working_groups_of_project(*, project: Project) -> QuerySet[WorkingGroup]:
    return project.working_groups.prefetch_related(
        Prefetch(
            "memberships",
            queryset=WorkingGroupMember.objects.order_by(
                F("left_on").desc(nulls_first=True), "joined_on", "name"
            ),
        ),
        Prefetch(
            "party_groups",
            queryset=PartyGroup.objects.filter(dissolved_on__isnull=True).order_by("name"),
            to_attr="active_party_groups",
        ),
    ).order_by(F("dissolved_on").desc(nulls_first=True), "kind", "name")


def working_group_get_for_user(*, user, pk: int) -> WorkingGroup:
    return get_in_scope_or_404(
        WorkingGroup.objects.select_related("project"),
        user,
        branch_path="project__branches__id",
        pk=pk,
    )


def membership_get_for_user(*, user, pk: int) -> WorkingGroupMember:
    return get_in_scope_or_404(
        WorkingGroupMember.objects.select_related("working_group__project"),
        user,
        branch_path="working_group__project__branches__id",
        pk=pk,
    )


# Coordination ledger -----------------------------------------------------------------------------


def _coordination_base() -> QuerySet[CoordinationItem]:
    today = timezone.localdate()
    return CoordinationItem.objects.select_related(
        "project", "branch", "working_group", "owner_party_group"
    ).annotate(
        is_overdue=Case(
            When(
                ~Q(status=CoordinationItem.Status.RESOLVED) & Q(due_on__lt=today),
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        )
    )


def coordination_items_for_user(*, user) -> QuerySet[CoordinationItem]:
    """A secretary sees the items their branch owns; staff see every item."""
    return restrict(_coordination_base(), user, branch_path="branch_id").order_by(
        "is_overdue", "due_on", "pk"
    )


def coordination_items_of_project(*, project: Project, user) -> QuerySet[CoordinationItem]:
    return coordination_items_for_user(user=user).filter(project=project)


def coordination_item_get_for_user(*, user, pk: int) -> CoordinationItem:
    return get_in_scope_or_404(_coordination_base(), user, branch_path="branch_id", pk=pk)


def coordination_history(*, item: CoordinationItem):
    return item.events.select_related("actor").order_by("happened_on", "recorded_at")


# Enterprises -------------------------------------------------------------------------------------


def enterprise_list_for_user(*, user) -> QuerySet[Enterprise]:
    """Enterprises on the projects the user sees (all of them for street staff)."""
    queryset = Enterprise.objects.order_by("name")  # unique, with its own index
    if is_street_staff(user):
        return queryset
    return restrict(queryset, user, branch_path="participations__project__branches__id")


def enterprise_figures_for_page(page) -> None:
    """The projects each enterprise is on now, for the enterprises of one page only."""
    figures_for_page(
        page,
        Enterprise.objects,
        project_count=Count(
            "participations__project",
            filter=Q(participations__ended_on__isnull=True),
            distinct=True,
        ),
    )


def enterprise_get_for_user(*, user, pk: int) -> Enterprise:
    return get_in_scope_or_404(
        Enterprise.objects.all(),
        user,
        branch_path="participations__project__branches__id",
        pk=pk,
    )


def _stage_day(stage: str) -> Subquery:
    """The stage's actual date, or its planned one."""
    rows = ProjectStage.objects.filter(project=OuterRef("pk"), stage=stage).annotate(
        day=Coalesce("actual_on", "planned_on")
    )
    return Subquery(rows.values("day")[:1], output_field=DateField())


def projects_needing_branch(*, projects: QuerySet[Project] | None = None) -> list[Project]:
    """The projects that should have a branch and have none (the set-up rule): under way (no
    completion acceptance yet), running six months or more from the start of construction to
    completion acceptance (actual dates before planned ones; with no completion date, a started
    project counts as running on), with at least three full members on site — members employed
    by an enterprise taking part in the project now. Each comes with `full_on_site`."""
    full_on_site = (
        Enterprise.objects.filter(
            participations__project=OuterRef("pk"),
            participations__ended_on__isnull=True,
            members__standing="full",  # the members app sits above: its rows by relation name
        )
        .order_by()
        .values("participations__project")
        .annotate(n=Count("members", distinct=True))
        .values("n")
    )
    # First the few projects without an active branch that are still under way (two anti-joins
    # on indexes), then the members on site of those only: over 2,000 projects the count of
    # members per project for all of them took half a second on every list page.
    without_branch = (
        (Project.objects.all() if projects is None else projects)
        .exclude(Exists(Branch.objects.filter(project=OuterRef("pk"), status=Branch.Status.ACTIVE)))
        .exclude(
            Exists(
                ProjectStage.objects.filter(
                    project=OuterRef("pk"), stage=Stage.COMPLETION, actual_on__isnull=False
                )
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    candidates = (
        Project.objects.filter(pk__in=list(without_branch))
        .annotate(
            starts_on=_stage_day(Stage.CONSTRUCTION_START),
            completes_on=_stage_day(Stage.COMPLETION),
            full_on_site=Coalesce(Subquery(full_on_site, output_field=models.IntegerField()), 0),
        )
        .filter(starts_on__isnull=False, full_on_site__gte=party_rules.FEWEST_FULL_MEMBERS)
        .select_related("community")
        .order_by("name")
    )
    return [
        project
        for project in candidates
        if project.completes_on is None
        or party_rules.runs_long_enough(project.starts_on, project.completes_on)
    ]
