import datetime

import factory
from dateutil.relativedelta import relativedelta

from branches.tests.factories import BranchFactory
from members.identity import check_character
from members.models import Candidate, HomeOrganisation, Member, Participation, TransferLetter


def make_id_number(n: int, birth: datetime.date = datetime.date(1985, 6, 15), male=True) -> str:
    sequence = (n % 100) * 10 + (1 if male else 2)
    first = f"320602{birth:%Y%m%d}{sequence:03d}"
    return first + check_character(first)


class HomeOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeOrganisation
        django_get_or_create = ("name",)

    name = "如东县建筑业协会党委"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    gender = Member.Gender.MALE
    birth_date = factory.Sequence(lambda n: datetime.date(1970, 1, 1) + datetime.timedelta(days=n))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(n, o.birth_date))
    standing = Member.Standing.FULL
    joined_party_on = datetime.date(2010, 7, 1)
    full_member_on = datetime.date(2011, 7, 1)
    employer_kind = Member.EmployerKind.OTHER
    employer_name = "某建筑劳务公司"
    home_organisation = factory.SubFactory(HomeOrganisationFactory)
    relation_state = Member.RelationState.AT_HOME


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    member = factory.SubFactory(MemberFactory)
    branch = factory.SubFactory(BranchFactory)
    joined_on = datetime.date(2025, 4, 1)


def make_candidate(branch, n: int, *, applied_on: datetime.date, **dates) -> Candidate:
    """A candidate at the stage and dates given, written directly (the steps' rules are
    members.recruitment's tests): for the pages and feeds that read the deadlines."""
    return Candidate.objects.create(
        branch=branch,
        name=f"申请人{n}",
        id_number=make_id_number(n, datetime.date(1990, 1, 1) + datetime.timedelta(days=n)),
        gender="M",
        birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=n),
        phone="13912345678",
        employer_kind=Member.EmployerKind.OTHER,
        employer_name="南通一建",
        applied_on=applied_on,
        **dates,
    )


def make_letter(branch, *, issued_on: datetime.date, valid_until=None, **fields) -> TransferLetter:
    """An outgoing transfer letter awaiting its receipt (written directly, for the feeds)."""
    return TransferLetter.objects.create(
        member=fields.pop("member", None) or MemberFactory(),
        branch=branch,
        direction=fields.pop("direction", TransferLetter.Direction.OUTGOING),
        number=fields.pop("number", "2026-001"),
        issued_on=issued_on,
        from_organisation=branch.name,
        to_organisation="如东县建筑业协会党委",
        dues_paid_to=issued_on.replace(day=1),
        valid_until=valid_until or issued_on + relativedelta(months=3),
        receipt_due_on=issued_on + relativedelta(months=1),
        **fields,
    )
