"""Reads for organisational life, scoped through accounts.access."""

import uuid

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.access import get_in_scope_or_404, restrict
from activities.models import (
    ActivityLog,
    ActivityPhoto,
    Attendance,
    Brand,
    Campaign,
    PendingPhoto,
    Rule,
    Suggestion,
    SuggestionStep,
)
from core.pagination import figures_for_page
from projects.models import Project

# The activity list's order; an index (activity_held_on_id_idx, and branch + held_on + id for a
# branch's list) serves it, and its pages are read by key (core.pagination.paginate_keyset).
ACTIVITY_ORDER = ("-held_on", "-pk")


def activity_list_for_user(*, user) -> QuerySet[ActivityLog]:
    queryset = ActivityLog.objects.select_related(
        "branch", "party_group", "kind", "campaign_item__campaign"
    ).order_by(*ACTIVITY_ORDER)
    return restrict(queryset, user, branch_path="branch_id")


def activity_figures_for_page(page) -> None:
    """Attendance by status and the number of photos, for the logs of one page only."""
    figures_for_page(
        page,
        ActivityLog.objects,
        present=Count("attendance", filter=Q(attendance__status="present"), distinct=True),
        absent=Count("attendance", filter=Q(attendance__status="absent"), distinct=True),
        on_leave=Count("attendance", filter=Q(attendance__status="leave"), distinct=True),
        photo_count=Count("photos", distinct=True),
    )


def activity_get_for_user(*, user, pk: int) -> ActivityLog:
    queryset = ActivityLog.objects.select_related(
        "branch", "branch__project", "party_group", "kind", "campaign_item__campaign",
        "submitted_by", "created_by",
    )  # fmt: skip
    return get_in_scope_or_404(queryset, user, branch_path="branch_id", pk=pk)


def attendance_of(*, log: ActivityLog) -> QuerySet[Attendance]:
    return log.attendance.select_related("member").order_by("member__name", "member_id")


def photo_get_for_user(*, user, pk: int) -> ActivityPhoto:
    return get_in_scope_or_404(
        ActivityPhoto.objects.select_related("log"), user, branch_path="log__branch_id", pk=pk
    )


def ledger_logs_for_user(*, user) -> QuerySet[ActivityLog]:
    """The logs a ledger export may hold, newest first as in the list: plain rows, the export
    reads the columns it needs (activities.ledger)."""
    return restrict(ActivityLog.objects.order_by("-held_on", "-pk"), user, branch_path="branch_id")


# Campaigns ---------------------------------------------------------------------------------------


def campaign_list_for_user(*, user) -> QuerySet[Campaign]:
    return restrict(Campaign.objects.all(), user, branch_path="branches__id").order_by(
        "-starts_on", "name"
    )


def campaign_figures_for_page(page) -> None:
    """The number of participating branches, for the campaigns of one page only."""
    figures_for_page(page, Campaign.objects, branch_count=Count("branches", distinct=True))


def campaign_get_for_user(*, user, pk: int) -> Campaign:
    return get_in_scope_or_404(Campaign.objects.all(), user, branch_path="branches__id", pk=pk)


def campaign_branches_for_user(*, campaign: Campaign, user) -> QuerySet:
    """The campaign's participating branches the user sees, by name (the rollup's rows)."""
    return restrict(campaign.branches.all(), user, branch_path="id").order_by("name")


def campaign_rollup(*, campaign: Campaign, branches) -> dict:
    """What each branch of `branches` (a page of the participating branches) did under each item
    (submitted logs, and for a suggestion drive the suggestions submitted during the campaign,
    counted in the database for those branches only):
    {"items": [...], "rows": [(branch, [(item, count) per item], total)]}."""
    items = list(campaign.items.all())
    branches = list(branches)
    # By the items' ids (read above), not through a join on the items: the counting is read
    # from an index alone (activity_submitted_item_idx).
    counts = {
        (row["branch_id"], row["campaign_item_id"]): row["n"]
        for row in ActivityLog.objects.filter(
            campaign_item__in=[item.pk for item in items],
            status=ActivityLog.Status.SUBMITTED,
            branch__in=branches,
        )
        .order_by()
        .values("branch_id", "campaign_item_id")
        .annotate(n=Count("*"))
    }
    drives = [item for item in items if item.collects_suggestions]
    if drives:
        suggestions = dict(
            Suggestion.objects.filter(
                branch__in=branches,
                submitted_on__range=(campaign.starts_on, campaign.ends_on),
            )
            .order_by()
            .values("branch_id")
            .annotate(n=Count("id"))
            .values_list("branch_id", "n")
        )
        for item in drives:
            for branch in branches:
                key = (branch.pk, item.pk)
                counts[key] = counts.get(key, 0) + suggestions.get(branch.pk, 0)
    rows = []
    for branch in branches:
        cells = [(item, counts.get((branch.pk, item.pk), 0)) for item in items]
        rows.append((branch, cells, sum(n for _item, n in cells)))
    return {"items": items, "rows": rows}


# Brands and rules --------------------------------------------------------------------------------


def brand_list_for_user(*, user) -> QuerySet[Brand]:
    return restrict(
        Brand.objects.select_related("branch", "branch__project"), user, branch_path="branch_id"
    ).order_by("branch__name")  # one brand a branch, and branch names are unique


def brand_figures_for_page(page) -> None:
    """The number of activities given as evidence, for the brands of one page only."""
    figures_for_page(page, Brand.objects, evidence_count=Count("evidence", distinct=True))


def brand_get_for_user(*, user, pk: int) -> Brand:
    return get_in_scope_or_404(
        Brand.objects.select_related("branch"), user, branch_path="branch_id", pk=pk
    )


def rule_list_for_user(*, user) -> QuerySet[Rule]:
    return restrict(Rule.objects.select_related("branch"), user, branch_path="branch_id").order_by(
        "branch__name", "owner", "-effective_on", "pk"
    )


def rule_get_for_user(*, user, pk: int) -> Rule:
    return get_in_scope_or_404(
        Rule.objects.select_related("branch"), user, branch_path="branch_id", pk=pk
    )


# Suggestions -------------------------------------------------------------------------------------


def suggestion_list_for_user(*, user) -> QuerySet[Suggestion]:
    return restrict(
        Suggestion.objects.select_related("project", "working_group"),
        user,
        branch_path="branch_id",
    ).order_by("-submitted_on", "-pk")


def suggestion_get_for_user(*, user, pk: int) -> Suggestion:
    return get_in_scope_or_404(
        Suggestion.objects.select_related("project", "working_group", "branch"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def suggestion_steps(*, suggestion: Suggestion) -> QuerySet[SuggestionStep]:
    return suggestion.steps.select_related("actor")


def suggestion_stats_by_project(*, user) -> QuerySet[Project]:
    """The projects with suggestions, the most suggestions first, each with the number
    submitted: counted per project from the index on the suggestions' project, never by joining
    every project to every suggestion. The other figures are counted for the projects of one
    page only (`suggestion_figures_for_page`)."""
    of_project = Suggestion.objects.filter(project=OuterRef("pk")).order_by()
    return (
        restrict(Project.objects.all(), user, branch_path="branches__id")
        .filter(Exists(of_project))
        .annotate(
            submitted=Subquery(of_project.values("project").annotate(n=Count("*")).values("n"))
        )
        .order_by("-submitted", "name", "pk")
    )


def suggestion_figures_for_page(page) -> None:
    """Suggestions adopted (including implemented), reviewed and implemented, and the days and
    money saved, for the projects of one page of `suggestion_stats_by_project` only."""
    adopted = Q(suggestions__status__in=[Suggestion.Status.ADOPTED, Suggestion.Status.IMPLEMENTED])
    reviewed = adopted | Q(suggestions__status=Suggestion.Status.DECLINED)
    figures_for_page(
        page,
        Project.objects,
        adopted=Count("suggestions", filter=adopted),
        reviewed=Count("suggestions", filter=reviewed),
        implemented=Count(
            "suggestions", filter=Q(suggestions__status=Suggestion.Status.IMPLEMENTED)
        ),
        days_saved=Sum("suggestions__days_saved"),
        money_saved=Sum("suggestions__money_saved"),
    )


def pending_photos_of(*, user, ids) -> list[PendingPhoto]:
    """The user's own kept photos among the ids, in the order they were kept (anyone else's
    are not found)."""
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(PendingPhoto.objects.filter(user=user, pk__in=valid).order_by("created_at"))
