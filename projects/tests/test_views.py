from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
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
    # 11: one of them reads the second factor's device, as on every page of a verified session;
    # one lists the projects that should have a branch and have none.
    with django_assert_max_num_queries(11) as few:
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


# Forms and pages of issue 3 -----------------------------------------------------------------------

import datetime  # noqa: E402

from projects.models import CoordinationItem, Project, ProjectStage  # noqa: E402
from projects.tests.factories import CoordinationItemFactory, WorkingGroupFactory  # noqa: E402


def _project_form(**overrides):
    from projects.tests.factories import CommunityFactory

    data = {
        "name": "新建项目",
        "community": CommunityFactory().pk,
        "category": "services",
        "is_key_project": "on",
        "total_investment": "1200000000",
        "hq_contact_phone": "13812345678",
    }
    return data | overrides


def test_staff_creates_a_project(staff_client):
    response = staff_client.post(reverse("projects:create"), _project_form())
    project = Project.objects.get(name="新建项目")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()


@pytest.mark.parametrize(
    ("field", "value"),
    [("total_investment", "-5"), ("hq_contact_phone", "12345"), ("name", "")],
)
def test_bad_project_input_is_explained_and_nothing_saved(staff_client, field, value):
    response = staff_client.post(reverse("projects:create"), _project_form(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Project.objects.filter(name="新建项目").exists()
    # Every other value typed is still in the form.
    assert 'value="1200000000"' in response.content.decode() or field == "total_investment"


def test_secretary_cannot_create_or_edit_projects(secretary_client, branch):
    assert secretary_client.get(reverse("projects:create")).status_code == 403
    assert (
        secretary_client.get(reverse("projects:edit", args=[branch.project.pk])).status_code == 403
    )
    url = reverse("projects:timeline", args=[branch.project.pk])
    assert secretary_client.get(url).status_code == 403


def test_timeline_out_of_order_is_shown_on_the_field(staff_client, branch):
    url = reverse("projects:timeline", args=[branch.project.pk])
    response = staff_client.post(
        url, {"approval_actual": "2024-05-01", "land_listing_actual": "2024-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["land_listing_actual"]
    assert not ProjectStage.objects.exists()
    response = staff_client.post(
        url, {"approval_actual": "2024-05-01", "land_listing_actual": "2024-06-01"}
    )
    assert response.status_code == 302
    assert branch.project.stages.count() == 2


def test_project_detail_shows_the_three_subjects_and_syncs(staff_client, branch):
    project = branch.project
    project.engineering_established_on = datetime.date(2025, 1, 1)
    project.hq_commander = "周指挥"
    project.save()
    page = staff_client.get(project.get_absolute_url()).content.decode()
    assert "周指挥" in page
    assert "项目工程部" in page and "项目指挥部" in page
    assert "不同步" in page  # branch established 2025-03-01, 59 days after


def test_secretary_raises_an_item_on_own_project(secretary_client, branch):
    group = WorkingGroupFactory(project=branch.project)
    response = secretary_client.post(
        reverse("projects:coordination_raise", args=[branch.project.pk]),
        {
            "title": "塔吊影响居民采光",
            "working_group": group.pk,
            "raised_by": "社区",
            "raised_on": "2026-01-05",
            "due_on": "2026-02-05",
            "submission_token": "5f0c2b1e-0000-4000-8000-000000000001",
        },
    )
    assert response.status_code == 302
    item = CoordinationItem.objects.get()
    assert item.branch == branch
    # Sent again (a double tap): still one item.
    secretary_client.post(
        reverse("projects:coordination_raise", args=[branch.project.pk]),
        {
            "title": "塔吊影响居民采光",
            "raised_by": "社区",
            "raised_on": "2026-01-05",
            "due_on": "2026-02-05",
            "submission_token": "5f0c2b1e-0000-4000-8000-000000000001",
        },
    )
    assert CoordinationItem.objects.count() == 1


def test_secretary_cannot_raise_on_another_project(secretary_client, other_branch):
    url = reverse("projects:coordination_raise", args=[other_branch.project.pk])
    assert secretary_client.get(url).status_code == 404


def test_secretary_sees_and_moves_only_own_items(secretary_client, branch, other_branch):
    own = CoordinationItemFactory(project=branch.project, branch=branch)
    other = CoordinationItemFactory(project=other_branch.project, branch=other_branch)
    ledger = secretary_client.get(reverse("projects:coordination"))
    assert list(ledger.context["filter"].qs) == [own]
    assert other.title not in ledger.content.decode()
    assert (
        secretary_client.get(reverse("projects:coordination_detail", args=[other.pk])).status_code
        == 404
    )
    assert (
        secretary_client.get(reverse("projects:coordination_move", args=[other.pk])).status_code
        == 404
    )
    response = secretary_client.post(
        reverse("projects:coordination_move", args=[own.pk]),
        {"to_status": "in_progress", "happened_on": "2026-01-10"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "in_progress"


def test_a_bad_step_is_explained(secretary_client, branch):
    item = CoordinationItemFactory(project=branch.project, branch=branch)
    response = secretary_client.post(
        reverse("projects:coordination_move", args=[item.pk]),
        {"to_status": "resolved", "happened_on": "2026-01-10", "note": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"]


def test_the_ledger_offers_only_visible_projects(secretary_client, branch, other_branch):
    form = secretary_client.get(reverse("projects:coordination")).context["filter"].form
    assert list(form.fields["project"].queryset) == [branch.project]


def test_overdue_items_stand_out(staff_client, branch):
    CoordinationItemFactory(project=branch.project, branch=branch, due_on=datetime.date(2026, 1, 6))
    response = staff_client.get(reverse("projects:coordination"), {"overdue": "yes"})
    assert len(response.context["filter"].qs) == 1
    assert "table-danger" in response.content.decode()


def test_has_branch_and_sync_filters(staff_client, branch):
    uncovered = ProjectFactory()
    url = reverse("projects:list")
    assert list(staff_client.get(url, {"has_branch": "no"}).context["filter"].qs) == [uncovered]
    assert list(staff_client.get(url, {"has_branch": "yes"}).context["filter"].qs) == [
        branch.project
    ]
    unknown = staff_client.get(url, {"setup_sync": "unknown"}).context["filter"].qs
    assert set(unknown) == {uncovered, branch.project}


def test_enterprises_are_scoped(secretary_client, branch, other_branch):
    own = ProjectEnterpriseFactory(project=branch.project).enterprise
    other = ProjectEnterpriseFactory(project=other_branch.project).enterprise
    response = secretary_client.get(reverse("projects:enterprises"))
    assert list(response.context["filter"].qs) == [own]
    assert secretary_client.get(
        reverse("projects:enterprise_edit", args=[other.pk])
    ).status_code in (
        403,
        404,
    )


def _grow(n):
    for _ in range(n):
        project = _project_with_partners()
        branch = project.branches.get()
        CoordinationItemFactory(project=project, branch=branch)


@pytest.mark.parametrize(
    "url_name",
    ["projects:list", "projects:coordination", "projects:enterprises", "projects:lead_times"],
)
def test_list_pages_cost_the_same_queries_at_ten_times_the_rows(staff_client, url_name):
    _grow(2)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    _grow(18)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
