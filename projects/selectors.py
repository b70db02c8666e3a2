from django.db.models import F, Prefetch, QuerySet

from accounts.access import get_in_scope_or_404, restrict
from branches.models import Branch
from projects.models import Project, ProjectEnterprise


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


def project_list_for_user(*, user) -> QuerySet[Project]:
    queryset = (
        Project.objects.select_related("community")
        .prefetch_related(_current_participations(), _active_branches())
        .order_by("name")
    )
    return restrict(queryset, user, branch_path="branches__id")


def project_get_for_user(*, user, pk: int) -> Project:
    queryset = Project.objects.select_related("community", "community__street")
    return get_in_scope_or_404(queryset, user, branch_path="branches__id", pk=pk)


def branches_of_project(*, project: Project) -> QuerySet[Branch]:
    """The project's branches, the active one first, then earlier ones newest first."""
    return project.branches.order_by("status", "-established_on")


def participation_history_for_project(*, project: Project) -> QuerySet[ProjectEnterprise]:
    return project.participations.select_related("enterprise").order_by(
        "role", F("ended_on").desc(nulls_first=True), "enterprise__name"
    )
