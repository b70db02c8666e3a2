import datetime

import factory

from branches.tests.factories import BranchFactory
from members.identity import check_character
from members.models import HomeOrganisation, Member, Participation


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
