"""Reads for members. Every read goes through accounts.access: a secretary sees the members who
take part (or took part) in their branch; personal data is shown whole only to street staff and
to the secretary of the member's current branch."""

import datetime

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
)

from accounts.access import get_in_scope_or_404, is_street_staff, restrict, scope_for
from branches.models import Branch
from core.pagination import count_per, figures_for_page
from members.identity import mask_id_number, mask_phone
from members.models import Member, Participation, PioneerPost, Transfer, TransferStep


def _active_participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.filter(left_on__isnull=True).select_related(
            "branch", "party_group"
        ),
        to_attr="active_participations",
    )


# The member list's order, served by member_name_id_idx; at 100,000 members an OFFSET to page
# 2,000 read 100,000 index entries (0.3 s), so its pages are read by key.
MEMBER_ORDER = ("name", "pk")


def member_list_for_user(*, user) -> QuerySet[Member]:
    queryset = (
        Member.objects.select_related("employer_enterprise", "home_organisation")
        .prefetch_related(_active_participations())
        .order_by(*MEMBER_ORDER)
    )
    return restrict(queryset, user, branch_path="participations__branch_id")


def member_count_for_user(*, user) -> int | None:
    """How many members the unfiltered list shows a user who does not see everything, counted
    over their branches' participations (the members who take or took part there): counted
    over the members, the database hashes all 100,000 of them for a branch's few thousand.
    None for street staff, whose list counts every member (a total kept a minute)."""
    if scope_for(user).sees_everything:
        return None
    participations = restrict(Participation.objects.all(), user, branch_path="branch_id")
    return participations.order_by().values("member_id").distinct().count()


def member_get_for_user(*, user, pk: int) -> Member:
    queryset = Member.objects.select_related("employer_enterprise", "home_organisation")
    queryset = queryset.prefetch_related(_active_participations())
    return get_in_scope_or_404(queryset, user, branch_path="participations__branch_id", pk=pk)


def current_participation(member: Member) -> Participation | None:
    participations = getattr(member, "active_participations", None)
    if participations is None:
        participations = list(
            member.participations.filter(left_on__isnull=True).select_related("branch")
        )
    return participations[0] if participations else None


def member_is_managed_by(*, user, member: Member) -> bool:
    """Street staff, or the secretary of the branch the member is active in now."""
    if is_street_staff(user):
        return True
    current = current_participation(member)
    return current is not None and scope_for(user).covers_branch(current.branch_id)


def participation_history(*, member: Member) -> QuerySet[Participation]:
    return member.participations.select_related("branch", "party_group").order_by(
        F("left_on").desc(nulls_first=True), "-joined_on"
    )


def transfers_of_member(*, member: Member) -> QuerySet[Transfer]:
    return member.transfers.select_related("to_branch", "letter").prefetch_related(
        Prefetch("steps", queryset=TransferStep.objects.select_related("actor"))
    )


def posts_of_member(*, member: Member) -> QuerySet[PioneerPost]:
    return member.pioneer_posts.select_related("project").order_by(
        F("ended_on").desc(nulls_first=True), "-started_on"
    )


def transfer_get_for_user(*, user, pk: int) -> Transfer:
    return get_in_scope_or_404(
        Transfer.objects.select_related("member", "to_branch"),
        user,
        branch_path="to_branch_id",
        pk=pk,
    )


def post_get_for_user(*, user, pk: int) -> PioneerPost:
    return get_in_scope_or_404(
        PioneerPost.objects.select_related("member", "project"),
        user,
        branch_path="project__branches__id",
        pk=pk,
    )


def _masked(field: str, value):
    if field == "id_number" and value:
        return mask_id_number(value)
    if field == "phone" and value:
        return mask_phone(value)
    return value


def member_history(*, member: Member) -> list[dict]:
    """The audit trail of a member (who changed what, when), newest first, for street staff.
    A member may have no history row at all (rows loaded by SQL, or history pruned): the trail
    is then empty, and each record is compared with the one before it, if any."""
    records = list(member.history.select_related("history_user").order_by("-history_date"))
    trail = []
    for index, newer in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [
                {
                    "field": Member._meta.get_field(change.field).verbose_name,
                    # Personal numbers stay masked here too: only "show" reveals them.
                    "old": _masked(change.field, change.old),
                    "new": _masked(change.field, change.new),
                }
                for change in delta.changes
            ]
        trail.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "type": newer.get_history_type_display(),
                "changes": changes,
            }
        )
    return trail


OPEN_TRANSFER = Q(status__in=["requested", "letter_issued", "received"])


def transfer_overview_branches(*, user) -> QuerySet[Branch]:
    """The branches of the transfer overview, a page at a time (`transfer_figures_for_page`)."""
    return restrict(Branch.objects.select_related("project"), user, branch_path="id").order_by(
        "status", "name"
    )


def transfer_figures_for_page(page, *, user) -> None:
    """Per branch of the page: members active there whose relation is still in the pocket,
    transfers in progress, and how long completed transfers took (on average, in the
    database). Two queries over the page's branches only, however many branches there are."""
    # A member is active in one branch at most (one_active_participation_per_member): active
    # participations are counted, with no DISTINCT over the members; branch by branch, each
    # member probed by key (a grouped join over the page's branches hashed every member).
    active = Participation.objects.filter(left_on__isnull=True)
    figures_for_page(
        page,
        Branch.objects,
        active_members=count_per(active, "branch"),
        pocket_members=count_per(
            active.filter(member__relation_state=Member.RelationState.IN_POCKET), "branch"
        ),
    )
    durations = {
        row["to_branch"]: row
        for row in restrict(
            Transfer.objects.filter(to_branch__in=[branch.pk for branch in page.object_list]),
            user,
            branch_path="to_branch_id",
        )
        .order_by()
        .values("to_branch")
        .annotate(
            open=Count("id", filter=OPEN_TRANSFER),
            completed=Count("id", filter=Q(status="completed")),
            rejected=Count("id", filter=Q(status="rejected")),
            average=Avg(
                ExpressionWrapper(F("closed_on") - F("requested_on"), output_field=DurationField()),
                filter=Q(status="completed"),
            ),
        )
    }
    for branch in page.object_list:
        figures = durations.get(branch.pk, {})
        branch.transfers_open = figures.get("open", 0)
        branch.transfers_completed = figures.get("completed", 0)
        branch.transfers_rejected = figures.get("rejected", 0)
        average = figures.get("average")
        branch.average_transfer_days = (
            round(average.total_seconds() / 86400, 1) if average else None
        )


def transfers_in_progress_for_user(*, user) -> QuerySet[Transfer]:
    """The transfers still under way, oldest request first (the list behind the figure)."""
    return (
        restrict(Transfer.objects.filter(OPEN_TRANSFER), user, branch_path="to_branch_id")
        .select_related("member", "to_branch")
        .order_by("requested_on", "pk")
    )


def days_so_far_for_page(page, *, today: datetime.date) -> None:
    """The days each transfer of the page has taken so far."""
    page.object_list = list(page.object_list)
    for transfer in page.object_list:
        transfer.days_so_far = (today - transfer.requested_on).days
