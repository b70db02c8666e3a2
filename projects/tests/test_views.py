from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from branches.tests.factories import BranchFactory
from projects.models import ProjectEnterprise
from projects.tests.factories import ProjectEnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_staff_sees_every_project(staff_client, branch, other_branch):
    response = staff_client.get(reverse("projects:list"))
    assert set(response.context["filter"].qs) == {branch.project, other_branch.project}


def test_secretary_sees_only_own_project(secretary_client, branch, other_branch):
    response = secretary_client.get(reverse("projects:list"))
    assert list(response.context["filter"].qs) == [branch.project]


def test_secretary_gets_404_for_another_branchs_project(secretary_client, other_branch):
    url = reverse("projects:detail", args=[other_branch.project.pk])
    assert secretary_client.get(url).status_code == 404


def test_secretary_opens_own_project(secretary_client, branch):
    ProjectEnterpriseFactory(project=branch.project, enterprise__name="龙信集团")
    response = secretary_client.get(reverse("projects:detail", args=[branch.project.pk]))
    assert response.status_code == 200
    assert "龙信集团" in response.content.decode()


def test_project_without_branch_is_flagged_for_staff(staff_client):
    project = ProjectFactory()
    page = staff_client.get(reverse("projects:list")).content.decode()
    assert project.name in page and "未建支部" in page


def test_investment_is_shown_in_hundred_million_yuan(staff_client):
    ProjectFactory(total_investment=Decimal("1250000000"))
    assert "12.50 亿元" in staff_client.get(reverse("projects:list")).content.decode()


def test_filters_and_search(staff_client):
    a = ProjectFactory(name="江海美食文化街区", category="cultural_tourism")
    b = ProjectFactory(name="星光耀广场", category="services", is_key_project=False)
    ProjectEnterpriseFactory(project=b, enterprise__name="上海星浩资本集团")
    url = reverse("projects:list")
    assert list(staff_client.get(url, {"category": "cultural_tourism"}).context["filter"].qs) == [a]
    assert list(staff_client.get(url, {"q": "星浩"}).context["filter"].qs) == [b]
    assert list(staff_client.get(url, {"is_key_project": "true"}).context["filter"].qs) == [a]


def test_bad_filter_value_is_an_error_not_a_crash(staff_client):
    response = staff_client.get(reverse("projects:list"), {"community": "not-a-number"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def _project_with_partners():
    project = BranchFactory().project
    ProjectEnterpriseFactory(project=project, role=ProjectEnterprise.Role.INVESTOR)
    ProjectEnterpriseFactory(project=project, role=ProjectEnterprise.Role.GENERAL_CONTRACTOR)
    return project


def test_project_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        _project_with_partners()
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("projects:list"))
    for _ in range(12):
        _project_with_partners()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("projects:list"))
    assert len(response.context["filter"].qs) == 15


def test_an_enterprise_holds_a_role_once_while_current():
    partner = ProjectEnterpriseFactory()
    with pytest.raises(IntegrityError):
        ProjectEnterpriseFactory(
            project=partner.project, enterprise=partner.enterprise, role=partner.role
        )


def test_investment_cannot_be_negative():
    with pytest.raises(IntegrityError):
        ProjectFactory(total_investment=Decimal("-1"))
