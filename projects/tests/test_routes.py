"""The project pages street staff use to keep a project's three subjects up to date: the project
manager, the investors and contractors, the working groups and who is on them, and the list of
enterprises; and the lead-times page. A secretary may read their own project but these pages are
for street staff: 403 for the secretary's own project, 404 for another branch's."""

import datetime

import pytest
from django.urls import reverse

from branches.tests.factories import BranchFactory
from projects import services
from projects.models import (
    Enterprise,
    ProjectEnterprise,
    ProjectManager,
    Stage,
    WorkingGroup,
    WorkingGroupMember,
)
from projects.tests.factories import (
    EnterpriseFactory,
    ProjectEnterpriseFactory,
    ProjectFactory,
    ProjectManagerFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project(branch):
    return branch.project


@pytest.fixture
def investor(project):
    return ProjectEnterpriseFactory(
        project=project, enterprise__name="上海星浩资本集团", started_on=D(2025, 1, 1)
    )


@pytest.fixture
def manager(project):
    return ProjectManagerFactory(project=project, name="陈志远", appointed_on=D(2025, 3, 1))


@pytest.fixture
def group(project):
    return WorkingGroupFactory(project=project, name="项目协调工作小组")


@pytest.fixture
def membership(group):
    return services.working_group_member_add(
        group=group, name="孙立新", organisation="南通一建", joined_on=D(2025, 3, 15)
    )


def assert_staff_only(secretary_client, outsider_client, url, data=None):
    """403 for the secretary of the project's branch, 404 for another branch's."""
    assert secretary_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    if data is not None:
        assert secretary_client.post(url, data).status_code == 403
        assert outsider_client.post(url, data).status_code == 404


# Project manager ---------------------------------------------------------------------------------


def test_manager_appoint_page_offers_the_projects_enterprises(staff_client, project, investor):
    EnterpriseFactory(name="别的项目的单位")
    response = staff_client.get(reverse("projects:manager_appoint", args=[project.pk]))
    assert response.status_code == 200
    assert f"任命 {project.name} 的项目经理" in response.content.decode()
    assert list(response.context["form"].fields["enterprise"].queryset) == [investor.enterprise]


def test_a_project_manager_is_appointed(staff_client, project, investor):
    response = staff_client.post(
        reverse("projects:manager_appoint", args=[project.pk]),
        {
            "name": "陈志远",
            "phone": "13900001111",
            "enterprise": investor.enterprise.pk,
            "appointed_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    manager = project.managers.get()
    assert (manager.name, manager.enterprise, manager.appointed_on, manager.ended_on) == (
        "陈志远",
        investor.enterprise,
        D(2025, 3, 1),
        None,
    )
    assert "陈志远" in staff_client.get(project.get_absolute_url()).content.decode()


def test_a_second_current_manager_is_refused(staff_client, project, manager):
    response = staff_client.post(
        reverse("projects:manager_appoint", args=[project.pk]),
        {"name": "李明", "appointed_on": "2025-06-01"},
    )
    assert response.status_code == 200
    assert "该项目已有项目经理" in response.content.decode()
    assert list(project.managers.all()) == [manager]


def test_a_manager_appointed_in_the_future_is_refused(staff_client, project):
    response = staff_client.post(
        reverse("projects:manager_appoint", args=[project.pk]),
        {"name": "李明", "appointed_on": "2999-01-01"},
    )
    assert "appointed_on" in response.context["form"].errors
    assert not ProjectManager.objects.exists()


def test_manager_appoint_is_for_street_staff(secretary_client, outsider_client, project):
    url = reverse("projects:manager_appoint", args=[project.pk])
    assert_staff_only(
        secretary_client, outsider_client, url, {"name": "李明", "appointed_on": "2025-06-01"}
    )
    assert not ProjectManager.objects.exists()


def test_manager_end_page_names_the_manager(staff_client, project, manager):
    response = staff_client.get(reverse("projects:manager_end", args=[project.pk, manager.pk]))
    assert response.status_code == 200
    assert "结束 陈志远 的任职" in response.content.decode()


def test_an_appointment_is_ended_then_a_successor_can_be_appointed(staff_client, project, manager):
    response = staff_client.post(
        reverse("projects:manager_end", args=[project.pk, manager.pk]), {"on": "2025-09-30"}
    )
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    manager.refresh_from_db()
    assert manager.ended_on == D(2025, 9, 30)
    staff_client.post(
        reverse("projects:manager_appoint", args=[project.pk]),
        {"name": "李明", "appointed_on": "2025-10-01"},
    )
    assert project.managers.get(ended_on__isnull=True).name == "李明"


@pytest.mark.parametrize("day", ["2025-02-01", "2999-01-01"], ids=["before", "future"])
def test_an_appointment_cannot_end_before_it_starts_or_in_the_future(
    staff_client, project, manager, day
):
    response = staff_client.post(
        reverse("projects:manager_end", args=[project.pk, manager.pk]), {"on": day}
    )
    assert response.status_code == 200 and response.context["form"].errors
    manager.refresh_from_db()
    assert manager.ended_on is None


def test_manager_end_is_for_street_staff_and_the_managers_own_project(
    staff_client, secretary_client, outsider_client, project, manager
):
    url = reverse("projects:manager_end", args=[project.pk, manager.pk])
    assert_staff_only(secretary_client, outsider_client, url, {"on": "2025-09-30"})
    elsewhere = ProjectFactory()
    wrong_project = reverse("projects:manager_end", args=[elsewhere.pk, manager.pk])
    assert staff_client.post(wrong_project, {"on": "2025-09-30"}).status_code == 404
    manager.refresh_from_db()
    assert manager.ended_on is None


# Investors and contractors -----------------------------------------------------------------------


def test_participation_add_page_lists_the_roles(staff_client, project):
    response = staff_client.get(reverse("projects:participation_add", args=[project.pk]))
    assert response.status_code == 200
    assert f"为 {project.name} 添加投资主体或承建单位" in response.content.decode()
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles == ProjectEnterprise.Role.values


def test_an_enterprise_is_added_to_the_project(staff_client, project):
    contractor = EnterpriseFactory(name="中建八局")
    response = staff_client.post(
        reverse("projects:participation_add", args=[project.pk]),
        {
            "enterprise": contractor.pk,
            "role": ProjectEnterprise.Role.GENERAL_CONTRACTOR,
            "started_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url() + "#enterprises"
    part = project.participations.get()
    assert (part.enterprise, part.role, part.started_on) == (
        contractor,
        ProjectEnterprise.Role.GENERAL_CONTRACTOR,
        D(2025, 3, 1),
    )


def test_the_same_enterprise_in_the_same_role_twice_is_refused(staff_client, project, investor):
    response = staff_client.post(
        reverse("projects:participation_add", args=[project.pk]),
        {"enterprise": investor.enterprise.pk, "role": investor.role},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(project.participations.all()) == [investor]


def test_participation_add_is_for_street_staff(secretary_client, outsider_client, project):
    enterprise = EnterpriseFactory()
    data = {"enterprise": enterprise.pk, "role": ProjectEnterprise.Role.INVESTOR}
    url = reverse("projects:participation_add", args=[project.pk])
    assert_staff_only(secretary_client, outsider_client, url, data)
    assert not ProjectEnterprise.objects.exists()


def test_participation_end_page_names_the_enterprise_and_project(staff_client, project, investor):
    response = staff_client.get(
        reverse("projects:participation_end", args=[project.pk, investor.pk])
    )
    assert response.status_code == 200
    assert f"上海星浩资本集团 退出 {project.name}" in response.content.decode()


def test_an_enterprise_leaves_the_project(staff_client, project, investor):
    response = staff_client.post(
        reverse("projects:participation_end", args=[project.pk, investor.pk]),
        {"on": "2025-12-31"},
    )
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url() + "#enterprises"
    investor.refresh_from_db()
    assert investor.ended_on == D(2025, 12, 31)


@pytest.mark.parametrize("day", ["2024-12-01", "2999-01-01"], ids=["before", "future"])
def test_an_enterprise_cannot_leave_before_it_came_or_in_the_future(
    staff_client, project, investor, day
):
    response = staff_client.post(
        reverse("projects:participation_end", args=[project.pk, investor.pk]), {"on": day}
    )
    assert response.status_code == 200 and response.context["form"].errors
    investor.refresh_from_db()
    assert investor.ended_on is None


def test_participation_end_is_for_street_staff(
    staff_client, secretary_client, outsider_client, project, investor
):
    url = reverse("projects:participation_end", args=[project.pk, investor.pk])
    assert_staff_only(secretary_client, outsider_client, url, {"on": "2025-12-31"})
    elsewhere = ProjectFactory()
    wrong_project = reverse("projects:participation_end", args=[elsewhere.pk, investor.pk])
    assert staff_client.get(wrong_project).status_code == 404
    investor.refresh_from_db()
    assert investor.ended_on is None


def test_a_new_enterprise_is_recorded(staff_client):
    page = staff_client.get(reverse("projects:enterprise_create")).content.decode()
    assert "新建单位" in page
    response = staff_client.post(
        reverse("projects:enterprise_create"),
        {
            "name": "南通四建集团",
            "party_org_status": Enterprise.PartyOrgStatus.ACTIVE,
            "party_contact_name": "钱卫东",
            "party_contact_phone": "13800002222",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:enterprises")
    enterprise = Enterprise.objects.get(name="南通四建集团")
    assert enterprise.party_org_status == Enterprise.PartyOrgStatus.ACTIVE
    assert "南通四建集团" in staff_client.get(reverse("projects:enterprises")).content.decode()


def test_an_enterprise_needs_a_unique_name(staff_client):
    EnterpriseFactory(name="南通四建集团")
    response = staff_client.post(
        reverse("projects:enterprise_create"),
        {"name": "南通四建集团", "party_org_status": Enterprise.PartyOrgStatus.NONE},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Enterprise.objects.count() == 1


def test_enterprise_create_is_for_street_staff(secretary_client):
    url = reverse("projects:enterprise_create")
    assert secretary_client.get(url).status_code == 403
    data = {"name": "南通四建集团", "party_org_status": Enterprise.PartyOrgStatus.NONE}
    assert secretary_client.post(url, data).status_code == 403
    assert not Enterprise.objects.exists()


# Working groups ----------------------------------------------------------------------------------


def test_working_group_create_page_names_the_project(staff_client, project):
    response = staff_client.get(reverse("projects:working_group_create", args=[project.pk]))
    assert response.status_code == 200
    assert f"为 {project.name} 新建工作小组" in response.content.decode()


def test_a_working_group_is_created_on_the_project(staff_client, project):
    response = staff_client.post(
        reverse("projects:working_group_create", args=[project.pk]),
        {
            "kind": WorkingGroup.Kind.QUALITY_SUPERVISION,
            "name": "质量监管工作小组",
            "leader_name": "王海",
            "established_on": "2025-03-10",
        },
    )
    group = project.working_groups.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert (group.kind, group.name, group.leader_name) == (
        WorkingGroup.Kind.QUALITY_SUPERVISION,
        "质量监管工作小组",
        "王海",
    )


def test_a_working_group_name_is_unique_on_its_project(staff_client, project, group):
    response = staff_client.post(
        reverse("projects:working_group_create", args=[project.pk]),
        {"kind": WorkingGroup.Kind.COORDINATION, "name": group.name},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(project.working_groups.all()) == [group]


def test_working_group_create_is_for_street_staff(secretary_client, outsider_client, project):
    url = reverse("projects:working_group_create", args=[project.pk])
    data = {"kind": WorkingGroup.Kind.COORDINATION, "name": "协调小组"}
    assert_staff_only(secretary_client, outsider_client, url, data)
    assert not WorkingGroup.objects.exists()


def test_working_group_member_add_page_names_the_group(staff_client, group):
    response = staff_client.get(reverse("projects:working_group_member_add", args=[group.pk]))
    assert response.status_code == 200
    assert "为 项目协调工作小组 添加成员" in response.content.decode()


def test_someone_is_added_to_a_working_group(staff_client, group):
    response = staff_client.post(
        reverse("projects:working_group_member_add", args=[group.pk]),
        {
            "name": "赵敏",
            "organisation": "上海星浩资本集团",
            "is_party_member": "on",
            "joined_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    person = group.memberships.get()
    assert (person.name, person.organisation, person.is_party_member, person.joined_on) == (
        "赵敏",
        "上海星浩资本集团",
        True,
        D(2025, 4, 1),
    )


@pytest.mark.parametrize(
    "data",
    [{"name": "赵敏", "joined_on": "2999-01-01"}, {"name": "", "joined_on": "2025-04-01"}],
    ids=["future", "no name"],
)
def test_a_bad_working_group_member_is_refused(staff_client, group, data):
    response = staff_client.post(
        reverse("projects:working_group_member_add", args=[group.pk]), data
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not WorkingGroupMember.objects.exists()


def test_working_group_member_add_is_for_street_staff(secretary_client, outsider_client, group):
    url = reverse("projects:working_group_member_add", args=[group.pk])
    assert_staff_only(
        secretary_client, outsider_client, url, {"name": "赵敏", "joined_on": "2025-04-01"}
    )
    assert not WorkingGroupMember.objects.exists()


def test_working_group_member_leave_page_names_the_person_and_group(staff_client, membership):
    response = staff_client.get(
        reverse("projects:working_group_member_leave", args=[membership.pk])
    )
    assert response.status_code == 200
    assert "孙立新 离开 项目协调工作小组" in response.content.decode()


def test_someone_leaves_a_working_group(staff_client, membership, group):
    response = staff_client.post(
        reverse("projects:working_group_member_leave", args=[membership.pk]),
        {"on": "2025-10-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    membership.refresh_from_db()
    assert membership.left_on == D(2025, 10, 1)


@pytest.mark.parametrize("day", ["2025-03-01", "2999-01-01"], ids=["before joining", "future"])
def test_nobody_leaves_a_group_before_joining_or_in_the_future(staff_client, membership, day):
    response = staff_client.post(
        reverse("projects:working_group_member_leave", args=[membership.pk]), {"on": day}
    )
    assert response.status_code == 200 and response.context["form"].errors
    membership.refresh_from_db()
    assert membership.left_on is None


def test_working_group_member_leave_is_for_street_staff(
    secretary_client, outsider_client, membership
):
    url = reverse("projects:working_group_member_leave", args=[membership.pk])
    assert_staff_only(secretary_client, outsider_client, url, {"on": "2025-10-01"})
    membership.refresh_from_db()
    assert membership.left_on is None


# Lead times --------------------------------------------------------------------------------------


def _timeline(project, approval, start=None, completion=None):
    dates = {Stage.APPROVAL: (None, approval)}
    if start:
        dates[Stage.CONSTRUCTION_START] = (None, start)
    if completion:
        dates[Stage.COMPLETION] = (None, completion)
    services.project_timeline_update(project=project, dates=dates)


def test_lead_times_list_projects_fastest_first_with_the_figures(staff_client):
    slow = BranchFactory(project__name="汇金国际广场").project
    fast = BranchFactory(project__name="星光耀广场").project
    middle = ProjectFactory(name="江海美食文化街区")
    _timeline(slow, D(2024, 1, 1), D(2024, 7, 19))  # 200 days
    _timeline(fast, D(2024, 1, 1), D(2024, 2, 20), D(2025, 2, 19))  # 50, then 365 days
    _timeline(middle, D(2024, 1, 1), D(2024, 4, 10))  # 100 days
    ProjectFactory(name="陆洪闸历史文化街区")  # no approval: not listed

    response = staff_client.get(reverse("projects:lead_times"))
    page = response.content.decode()
    assert [p.name for p in response.context["page"].object_list] == [
        "星光耀广场",
        "江海美食文化街区",
        "汇金国际广场",
    ]
    assert (response.context["fastest"], response.context["median"]) == (50, 100)
    assert response.context["slowest"] == 200
    assert "立项到开工中位数（天）" in page
    assert page.index("星光耀广场") < page.index("江海美食文化街区") < page.index("汇金国际广场")
    assert "陆洪闸历史文化街区" not in page
    assert ">365<" in page  # start to completion


def test_lead_times_show_a_secretary_their_own_project_only(secretary_client, branch, other_branch):
    _timeline(branch.project, D(2024, 1, 1), D(2024, 2, 20))
    _timeline(other_branch.project, D(2024, 1, 1), D(2024, 3, 1))
    page = secretary_client.get(reverse("projects:lead_times")).content.decode()
    assert branch.project.name in page
    assert other_branch.project.name not in page


def test_lead_times_say_when_no_project_has_an_approval(staff_client):
    ProjectFactory()
    page = staff_client.get(reverse("projects:lead_times")).content.decode()
    assert "尚无项目登记立项日期。" in page
    assert "立项到开工中位数（天）" not in page
