"""Two branches, each with a row behind every endpoint, and consumers of one branch or of the
whole street."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from activities.models import Attendance, Campaign, Suggestion
from activities.tests.factories import ActivityLogFactory
from api.models import Consumer
from api.services import consumer_register
from assessments.models import Cycle, Result
from assessments.tests.factories import make_cycle, make_version
from branches.tests.factories import BranchFactory, PartyGroupFactory, SeatFactory
from members.models import Transfer
from members.tests.factories import MemberFactory, ParticipationFactory

D = datetime.date


def fill_branch(branch, *, version, tag: str, logs: int = 1) -> dict:
    """A row of every kind the API lists, in `branch`."""
    group = PartyGroupFactory(branch=branch)
    seat = SeatFactory(branch=branch)
    member = MemberFactory()
    participation = ParticipationFactory(member=member, branch=branch, party_group=group)
    transfer = Transfer.objects.create(
        member=member,
        to_branch=branch,
        from_organisation="某县委组织部",
        requested_on=D(2026, 2, 1),
    )
    activity_logs = []
    for n in range(logs):
        log = ActivityLogFactory(branch=branch, title=f"{tag}支委会{n}", held_on=D(2026, 3, 10))
        Attendance.objects.create(log=log, member=member, status=Attendance.Status.PRESENT)
        activity_logs.append(log)
    campaign = Campaign.objects.create(
        name=f"{tag}脚手架上党旗扬", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)
    )
    campaign.branches.set([branch])
    suggestion = Suggestion.objects.create(
        project=branch.project,
        branch=branch,
        author="李工",
        content=f"{tag}错峰运输渣土",
        submitted_on=D(2026, 4, 2),
    )
    cycle = make_cycle(version, [branch], name=f"{tag}2025年下半年", status=Cycle.Status.PUBLISHED)
    result = Result.objects.create(
        cycle=cycle,
        branch=branch,
        party_score=Decimal("90"),
        construction_score=Decimal("85"),
        bonus=Decimal("0"),
        penalty=Decimal("0"),
        total=Decimal("87.5"),
        grade=Result.Grade.GOOD,
        rank=1,
    )
    return {
        "project": branch.project,
        "branch": branch,
        "party-group": group,
        "seat": seat,
        "member": member,
        "participation": participation,
        "transfer": transfer,
        "activity": activity_logs[0],
        "compliance": branch,
        "campaign": campaign,
        "suggestion": suggestion,
        "cycle": cycle,
        "result": result,
    }


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    version = make_version()
    ours = fill_branch(BranchFactory(), version=version, tag="甲")
    theirs = fill_branch(BranchFactory(), version=version, tag="乙")
    return ours, theirs


def register(*, branches=(), whole_street=False, **fields) -> tuple[Consumer, str]:
    fields.setdefault("expires_at", timezone.now() + datetime.timedelta(days=30))
    fields.setdefault("requests_per_minute", 10_000)
    consumer = Consumer(name=fields.pop("name", f"区平台{Consumer.objects.count()}"), **fields)
    consumer.whole_street = whole_street
    return consumer_register(consumer=consumer, branches=branches, actor=None)


@pytest.fixture
def branch_token(world) -> str:
    ours, _theirs = world
    return register(branches=[ours["branch"]], name="区党建平台")[1]


@pytest.fixture
def street_token(world) -> str:
    return register(whole_street=True, name="组织部")[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
