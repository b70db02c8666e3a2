from decimal import Decimal

import factory

from projects.models import Community, Enterprise, Project, ProjectEnterprise, Street


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
