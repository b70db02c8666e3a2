"""The Project Party Committee and one branch per pilot project, with their seats."""

import datetime

from branches.models import Branch, PartyCommittee, Seat
from core.demo import DemoContext

COMMITTEE_ESTABLISHED = datetime.date(2025, 2, 20)


def load(ctx: DemoContext) -> None:
    committee, _ = PartyCommittee.objects.get_or_create(
        street=ctx.objects["street"],
        defaults={
            "name": "狼山镇街道项目党委",
            "working_committee": "狼山镇街道党工委",
            "secretary_name": ctx.person_name(),
            "established_on": COMMITTEE_ESTABLISHED,
        },
    )
    branches = []
    for index, (project, secretary) in enumerate(
        zip(ctx.objects["projects"], ctx.objects["secretaries"], strict=True)
    ):
        established = COMMITTEE_ESTABLISHED + datetime.timedelta(days=10 + 7 * index)
        branch, _ = Branch.objects.get_or_create(
            project=project,
            defaults={
                "committee": committee,
                "name": f"{project.name}项目党支部",
                "established_on": established,
            },
        )
        seats = [
            (Seat.Kind.SECRETARY, secretary.full_name, secretary, Seat.Origin.LINKED_LEADER),
            (Seat.Kind.DEPUTY_SECRETARY, ctx.person_name(), None, Seat.Origin.COMMUNITY_PARTY_HEAD),
            (
                Seat.Kind.COMMITTEE_MEMBER,
                ctx.person_name(),
                None,
                Seat.Origin.ENTERPRISE_PARTY_HEAD,
            ),
        ]
        for kind, holder_name, user, origin in seats:
            Seat.objects.get_or_create(
                branch=branch,
                kind=kind,
                holder_name=holder_name,
                defaults={"user": user, "origin": origin, "started_on": established},
            )
        ctx.logins.append((secretary.username, secretary.get_role_display(), branch.name))
        branches.append(branch)
    ctx.objects["branches"] = branches
