import datetime

import factory

from branches.models import Branch, PartyCommittee, PartyGroup, Seat
from projects.tests.factories import ProjectFactory, StreetFactory


class PartyCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyCommittee
        django_get_or_create = ("street",)

    street = factory.SubFactory(StreetFactory)
    name = "狼山镇街道项目党委"
    working_committee = "狼山镇街道党工委"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    committee = factory.SubFactory(PartyCommitteeFactory)
    project = factory.SubFactory(ProjectFactory)
    name = factory.LazyAttribute(lambda o: f"{o.project.name}项目党支部")
    established_on = datetime.date(2025, 3, 1)


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    branch = factory.SubFactory(BranchFactory)
    kind = Seat.Kind.SECRETARY
    holder_name = factory.Faker("name", locale="zh_CN")
    origin = Seat.Origin.LINKED_LEADER
    started_on = datetime.date(2025, 3, 1)


class PartyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"党小组{n}")
    established_on = datetime.date(2025, 3, 10)
