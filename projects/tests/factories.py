import datetime
from decimal import Decimal

import factory

from projects.models import (
    Community,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    Street,
    WorkingGroup,
)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("name",)

    name = "狼山镇街道"
    district = "崇川区"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试建设集团{n}")
    party_org_status = Enterprise.PartyOrgStatus.NONE


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    community = factory.SubFactory(CommunityFactory)
    category = Project.Category.SERVICES
    is_key_project = True
    total_investment = Decimal("1200000000.00")


class ProjectEnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectEnterprise

    project = factory.SubFactory(ProjectFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = ProjectEnterprise.Role.INVESTOR


class ProjectManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectManager

    project = factory.SubFactory(ProjectFactory)
    name = factory.Faker("name", locale="zh_CN")
    appointed_on = datetime.date(2025, 3, 1)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    project = factory.SubFactory(ProjectFactory)
    kind = WorkingGroup.Kind.COORDINATION
    name = factory.Sequence(lambda n: f"项目协调工作小组{n}")
    established_on = datetime.date(2025, 3, 1)


class CoordinationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationItem

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"协调事项{n}")
    raised_by = "项目工程部"
    raised_on = datetime.date(2026, 1, 5)
    due_on = datetime.date(2026, 2, 5)
