"""The Project Party Committee and one branch per pilot project, with their seats and the 21
Party groups matched to the projects' working groups."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from branches import services
from branches.models import Branch, PartyCommittee, PartyGroup, Seat, Term
from core.demo import DemoContext

COMMITTEE_ESTABLISHED = datetime.date(2025, 2, 20)  # for core.demo.ANCHOR (ctx.shift)
# Five groups in the first branch, four in each of the others: the report's 21. The branches
# other than the first have no group for expropriation and demolition.
GROUPS_PER_BRANCH = [5, 4, 4, 4, 4]
GROUP_NAMES = {
    "土地挂牌工作小组": "土地挂牌党小组",
    "方案设计工作小组": "方案设计党小组",
    "项目协调工作小组": "项目协调党小组",
    "质量监管工作小组": "质量监管党小组",
    "征收拆迁工作小组": "征收拆迁党小组",
}
SEAT_ORIGINS = [
    # (the deputy's origin, the committee member's origin) per branch
    (Seat.Origin.COMMUNITY_PARTY_HEAD, Seat.Origin.ENTERPRISE_BACKBONE),
    (Seat.Origin.COMMUNITY_PARTY_HEAD, Seat.Origin.ENTERPRISE_PARTY_HEAD),
    (Seat.Origin.COMMUNITY_PARTY_HEAD, Seat.Origin.ENTERPRISE_PARTY_HEAD),
    (Seat.Origin.COMMUNITY_PARTY_HEAD, Seat.Origin.ENTERPRISE_PARTY_HEAD),
    (Seat.Origin.COMMUNITY_PARTY_HEAD, Seat.Origin.ENTERPRISE_BACKBONE),
]


def load(ctx: DemoContext) -> None:
    committee, _ = PartyCommittee.objects.get_or_create(
        street=ctx.objects["street"],
        defaults={
            "name": "狼山镇街道项目党委",
            "working_committee": "狼山镇街道党工委",
            "secretary_name": ctx.person_name(),
            "established_on": ctx.shift(COMMITTEE_ESTABLISHED),
        },
    )
    branches = []
    for index, (project, secretary) in enumerate(
        zip(ctx.objects["projects"], ctx.objects["secretaries"], strict=True)
    ):
        established = ctx.shift(COMMITTEE_ESTABLISHED) + datetime.timedelta(days=10 + 7 * index)
        branch, _ = Branch.objects.get_or_create(
            project=project,
            defaults={
                "committee": committee,
                "name": f"{project.name}项目党支部",
                "established_on": established,
            },
        )
        deputy_origin, member_origin = SEAT_ORIGINS[index]
        seats = [
            (Seat.Kind.SECRETARY, secretary.full_name, secretary, Seat.Origin.LINKED_LEADER),
            (Seat.Kind.DEPUTY_SECRETARY, ctx.person_name(), None, deputy_origin),
            (Seat.Kind.COMMITTEE_MEMBER, ctx.person_name(), None, member_origin),
        ]
        for kind, holder_name, user, origin in seats:
            Seat.objects.get_or_create(
                branch=branch,
                kind=kind,
                holder_name=holder_name,
                defaults={"user": user, "origin": origin, "started_on": established},
            )
        _party_groups(ctx, branch, GROUPS_PER_BRANCH[index])
        ctx.logins.append((secretary.username, secretary.get_role_display(), branch.name))
        branches.append(branch)
    ctx.objects["branches"] = branches
    _term_ending_soon(branches[1])


# The branch whose committee term ends within six months (four months after the load, whatever
# the day): its current term, a three-year one, began three years less four months ago.
TERM_ENDS_IN_MONTHS = 4


def _term_ending_soon(branch: Branch) -> None:
    if Term.objects.filter(branch=branch).exists():
        return
    started_on = timezone.localdate() - relativedelta(years=3, months=-TERM_ENDS_IN_MONTHS)
    services.term_open(branch=branch, started_on=started_on, years=3)


def _party_groups(ctx: DemoContext, branch: Branch, count: int) -> None:
    fake = ctx.faker_for("party-groups")
    working_groups = {wg.name: wg for wg in branch.project.working_groups.all()}
    wanted = list(GROUP_NAMES.items())[:count]
    for working_group_name, group_name in wanted:
        leader = fake.name()  # drawn every run, so the names do not depend on what exists
        if PartyGroup.objects.filter(branch=branch, name=group_name).exists():
            continue
        services.party_group_create(
            branch=branch,
            name=group_name,
            working_group=working_groups[working_group_name],
            leader_name=leader,
            established_on=branch.established_on + datetime.timedelta(days=7),
        )
