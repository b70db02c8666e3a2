"""Reads for the Party organisation. Every read goes through accounts.access."""

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.access import get_in_scope_or_404, is_street_staff, restrict
from branches.models import Branch, PartyGroup, Seat, Term
from core import party_rules as rules
from core.pagination import count_per, figures_for_page
from projects.models import Enterprise, Project, ProjectStage, Stage


def _seats_held_today() -> Prefetch:
    return Prefetch(
        "seats",
        queryset=Seat.objects.held_on(timezone.localdate()).order_by("kind", "started_on"),
        to_attr="current_seats",
    )


def branch_list_for_user(*, user) -> QuerySet[Branch]:
    queryset = (
        Branch.objects.select_related("project", "project__community", "committee")
        .prefetch_related(_seats_held_today())
        .order_by("status", "name")  # the name is unique; index branch_status_name_idx
    )
    return restrict(queryset, user, branch_path="id")


def branch_figures_for_page(page) -> None:
    """The Party groups still active and the members (full, and all) active, for the branches
    of one page only; with the set-up rules each branch breaks."""
    # One subquery per figure and branch: a join of the groups with the participations would
    # multiply rows (COUNT DISTINCT over groups x members), and each subquery reads only its
    # branch's rows, probing the members by key (3,353 in the busiest branch).
    participation = apps.get_model("members", "Participation")
    active = participation.objects.filter(left_on__isnull=True)
    figures_for_page(
        page,
        Branch.objects,
        active_groups=count_per(PartyGroup.objects.filter(dissolved_on__isnull=True), "branch"),
        full_member_count=count_per(active.filter(member__standing="full"), "branch"),
        member_count=count_per(active, "branch"),
    )
    for branch in page.object_list:
        branch.setup_problems = (
            rules.setup_problems(full_members=branch.full_member_count, members=branch.member_count)
            if branch.status == Branch.Status.ACTIVE
            else []
        )


# The members app sits above this one: its rows are counted through the relation names only.
_ACTIVE = Q(participations__left_on__isnull=True)
_FULL = _ACTIVE & Q(participations__member__standing="full")


def member_counts(branches) -> dict[int, tuple[int, int]]:
    """(full members, members) active in each of these branches, in one query."""
    rows = (
        Branch.objects.filter(pk__in=[branch.pk for branch in branches])
        .annotate(
            full_count=Count("participations", filter=_FULL),
            member_count=Count("participations", filter=_ACTIVE),
        )
        .values_list("pk", "full_count", "member_count")
    )
    return {pk: (full, members) for pk, full, members in rows}


def attach_setup_problems(branches: list[Branch]) -> None:
    """Set `setup_problems` on each active branch (the set-up rules it breaks, with why)."""
    counts = member_counts([b for b in branches if b.status == Branch.Status.ACTIVE])
    for branch in branches:
        full, members = counts.get(branch.pk, (None, None))
        branch.full_member_count = full
        branch.member_count = members
        branch.setup_problems = (
            rules.setup_problems(full_members=full, members=members) if full is not None else []
        )


def flagged_branches(*, user, within: Q | None = None) -> list[Branch]:
    """The active branches in the user's scope (and `within`) that break a set-up rule."""
    branches = list(
        restrict(
            Branch.objects.filter(within or Q(), status=Branch.Status.ACTIVE).order_by("name"),
            user,
            branch_path="id",
        )
    )
    attach_setup_problems(branches)
    return [branch for branch in branches if branch.setup_problems]


def current_term(*, branch: Branch) -> Term | None:
    term = branch.terms.order_by("-started_on").first()
    if term is not None:
        term.stage = rules.term_reminder_stage(term.ends_on, timezone.localdate())
    return term


def terms_due(*, user, today=None, within: Q | None = None) -> list[Term]:
    """The current terms, in the user's scope (and `within`, on the term), that have expired
    or end within six months, soonest first; each with its stage ("expired", "1m", "6m")."""
    today = today or timezone.localdate()
    horizon = today + relativedelta(months=rules.REMIND_MONTHS[0])
    terms = restrict(
        Term.objects.current()
        .filter(within or Q(), branch__status=Branch.Status.ACTIVE, ends_on__lte=horizon)
        .select_related("branch")
        .order_by("ends_on", "branch__name"),
        user,
        branch_path="branch_id",
    )
    terms = list(terms)
    for term in terms:
        term.stage = rules.term_reminder_stage(term.ends_on, today)
    return terms


def active_branches_without_term(*, user) -> QuerySet[Branch]:
    return restrict(
        Branch.objects.filter(status=Branch.Status.ACTIVE, terms__isnull=True).order_by("name"),
        user,
        branch_path="id",
    )


def archives_of_branch(*, branch: Branch) -> QuerySet:
    """The branch's handover archives, newest first."""
    return branch.archives.select_related("job").order_by("-requested_at", "-pk")


def branch_get_for_user(*, user, pk: int) -> Branch:
    queryset = Branch.objects.select_related("project", "project__community", "committee")
    return get_in_scope_or_404(queryset, user, branch_path="id", pk=pk)


def seat_history_for_branch(*, branch: Branch) -> QuerySet[Seat]:
    """Every seat the branch ever had: those held now first, then the ended ones, latest first.
    Each with `holder_member_pk`: the member of this branch the holder is, when they are one
    (a member who took part in the branch under the holder's name)."""
    # By the app registry, not an import: members sits above branches in the layers.
    participation = apps.get_model("members", "Participation")
    holder = (
        participation.objects.filter(
            branch_id=OuterRef("branch_id"), member__name=OuterRef("holder_name")
        )
        .order_by("-joined_on", "-pk")
        .values("member_id")[:1]
    )
    return (
        branch.seats.select_related("user")
        .annotate(holder_member_pk=Subquery(holder))
        .order_by(F("ended_on").desc(nulls_first=True), "kind", "-started_on")
    )


def seat_get_for_user(*, user, pk: int) -> Seat:
    return get_in_scope_or_404(
        Seat.objects.select_related("branch"), user, branch_path="branch_id", pk=pk
    )


def party_groups_of_branch(*, branch: Branch) -> QuerySet[PartyGroup]:
    return branch.party_groups.select_related("working_group").order_by(
        F("dissolved_on").desc(nulls_first=True), "name"
    )


def party_group_get_for_user(*, user, pk: int) -> PartyGroup:
    return get_in_scope_or_404(
        PartyGroup.objects.select_related("branch", "branch__project", "working_group"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def branch_overview_for_user(*, user) -> dict:
    """The figures on the home page: the branches the user works with, and the street's totals
    for street staff. Counted in the database."""
    branches = list(branch_list_for_user(user=user).filter(status=Branch.Status.ACTIVE))
    overview = {"branches": branches, "is_street_staff": is_street_staff(user)}
    if overview["is_street_staff"]:
        overview["totals"] = Project.objects.aggregate(
            projects=Count("id", distinct=True),
            key_projects=Count("id", filter=Q(is_key_project=True), distinct=True),
            covered=Count("id", filter=Q(branches__status=Branch.Status.ACTIVE), distinct=True),
        ) | Branch.objects.aggregate(
            active_branches=Count("id", filter=Q(status=Branch.Status.ACTIVE))
        )
    return overview


def coverage_for_street(*, projects: QuerySet[Project] | None = None) -> dict:
    """How far the organisation covers the projects (for street staff): projects still under
    way (no completion acceptance yet) with and without an active branch, and the enterprises
    whose own Party organisation is missing or idle. `projects` narrows it to some projects
    (and the enterprises taking part in them)."""
    completed = ProjectStage.objects.filter(
        project=OuterRef("pk"), stage=Stage.COMPLETION, actual_on__isnull=False
    )
    covered = Branch.objects.filter(project=OuterRef("pk"), status=Branch.Status.ACTIVE)
    enterprises = Enterprise.objects.all()
    if projects is not None:
        enterprises = enterprises.filter(pk__in=projects.values("enterprises"))
    projects = (
        (Project.objects.all() if projects is None else projects)
        .annotate(is_completed=Exists(completed), is_covered=Exists(covered))
        .filter(is_completed=False)
    )
    project_counts = projects.aggregate(
        active=Count("id"),
        covered=Count("id", filter=Q(is_covered=True)),
        uncovered=Count("id", filter=Q(is_covered=False)),
        key=Count("id", filter=Q(is_key_project=True)),
        key_covered=Count("id", filter=Q(is_key_project=True, is_covered=True)),
    )
    enterprise_counts = enterprises.aggregate(
        total=Count("id"),
        no_party_org=Count("id", filter=Q(party_org_status=Enterprise.PartyOrgStatus.NONE)),
        inactive=Count("id", filter=Q(party_org_status=Enterprise.PartyOrgStatus.INACTIVE)),
        active=Count("id", filter=Q(party_org_status=Enterprise.PartyOrgStatus.ACTIVE)),
    )
    uncovered_projects = projects.filter(is_covered=False).select_related("community")
    return {
        "projects": project_counts,
        "enterprises": enterprise_counts,
        "uncovered_projects": uncovered_projects.order_by("-is_key_project", "name"),
    }
