from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import get_in_scope_or_404, is_street_staff, restrict
from branches.models import Branch, Seat


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
        .order_by("name")
    )
    return restrict(queryset, user, branch_path="id")


def branch_get_for_user(*, user, pk: int) -> Branch:
    queryset = Branch.objects.select_related("project", "project__community", "committee")
    return get_in_scope_or_404(queryset, user, branch_path="id", pk=pk)


def seat_history_for_branch(*, branch: Branch) -> QuerySet[Seat]:
    """Every seat the branch ever had: those held now first, then the ended ones, latest first."""
    return branch.seats.select_related("user").order_by(
        F("ended_on").desc(nulls_first=True), "kind", "-started_on"
    )


def branch_overview_for_user(*, user) -> dict:
    """The figures on the home page: the branches the user works with, and the street's totals
    for street staff. Counted in the database."""
    branches = list(branch_list_for_user(user=user))
    overview = {"branches": branches, "is_street_staff": is_street_staff(user)}
    if overview["is_street_staff"]:
        from projects.models import Project

        overview["totals"] = Project.objects.aggregate(
            projects=Count("id", distinct=True),
            key_projects=Count("id", filter=Q(is_key_project=True), distinct=True),
            covered=Count("id", filter=Q(branches__status=Branch.Status.ACTIVE), distinct=True),
        ) | Branch.objects.aggregate(
            active_branches=Count("id", filter=Q(status=Branch.Status.ACTIVE))
        )
    return overview
