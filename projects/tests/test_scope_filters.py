"""The filters the workbench's figures link with: a list narrowed to the workbench's scope (one
project, one community's projects, one street's), the projects under way, the coordination
items not resolved yet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.tests.factories import ActivityLogFactory
from branches.tests.factories import BranchFactory
from members.tests.factories import ParticipationFactory
from projects import services
from projects.models import CoordinationItem, Stage
from projects.tests.factories import (
    CommunityFactory,
    CoordinationItemFactory,
    ProjectEnterpriseFactory,
    ProjectFactory,
    StreetFactory,
)

pytestmark = pytest.mark.django_db


def listed(client, name: str, params: dict) -> set:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return set(response.context["filter"].qs)


def test_lists_narrowed_to_a_project_a_community_or_a_street(staff_client, branch, other_branch):
    street = StreetFactory(name="另一街道")
    community = CommunityFactory(street=street)
    branch.project.community = community
    branch.project.save()
    own = ParticipationFactory(branch=branch).member
    ParticipationFactory(branch=other_branch)
    own_log = ActivityLogFactory(branch=branch)
    ActivityLogFactory(branch=other_branch)
    own_enterprise = ProjectEnterpriseFactory(project=branch.project).enterprise
    ProjectEnterpriseFactory(project=other_branch.project)
    for scope in (
        {"project": branch.project.pk},
        {"community": community.pk},
        {"street": street.pk},
    ):
        assert listed(staff_client, "members:list", scope) == {own}, scope
        assert listed(staff_client, "activities:list", scope) == {own_log}, scope
        assert listed(staff_client, "projects:enterprises", scope) == {own_enterprise}, scope
        projects = listed(staff_client, "projects:list", scope)
        assert projects == {branch.project}, scope


def test_a_secretary_narrowing_to_another_project_sees_nothing_of_it(
    secretary_client, branch, other_branch
):
    ParticipationFactory(branch=branch)
    ParticipationFactory(branch=other_branch)
    assert listed(secretary_client, "members:list", {"project": other_branch.project.pk}) == set()
    assert (
        listed(secretary_client, "activities:list", {"project": other_branch.project.pk}) == set()
    )


def test_a_scope_that_is_not_a_project_is_ignored_not_a_crash(staff_client, branch):
    member = ParticipationFactory(branch=branch).member
    for value in ("abc", "999999"):
        assert listed(staff_client, "members:list", {"project": value}) == {member}


def test_projects_under_way_leave_out_the_completed(staff_client):
    going, done = ProjectFactory(), ProjectFactory()
    services.project_timeline_update(
        project=done,
        dates={Stage.COMPLETION: (datetime.date(2026, 6, 30), datetime.date(2026, 6, 28))},
    )
    assert listed(staff_client, "projects:list", {"under_way": "yes"}) == {going}
    assert listed(staff_client, "projects:list", {"under_way": "no"}) == {done}


def test_unresolved_coordination_items(staff_client, branch):
    open_item = CoordinationItemFactory(project=branch.project)
    CoordinationItemFactory(
        project=branch.project,
        status=CoordinationItem.Status.RESOLVED,
        resolved_on=datetime.date(2026, 2, 1),
    )
    params = {"project": branch.project.pk, "unresolved": "yes"}
    assert listed(staff_client, "projects:coordination", params) == {open_item}


def test_the_compliance_grid_and_the_transfers_narrowed(staff_client, branch, other_branch):
    response = staff_client.get(reverse("activities:compliance"), {"project": branch.project.pk})
    assert [row.branch for row in response.context["rows"]] == [branch]
    BranchFactory()
    response = staff_client.get(reverse("members:transfers"), {"project": branch.project.pk})
    assert response.status_code == 200
    assert list(response.context["in_progress"].object_list) == []


@pytest.mark.parametrize(
    "url_name",
    [
        "members:list",
        "activities:list",
        "projects:list",
        "projects:enterprises",
        "projects:coordination",
        "activities:compliance",
    ],
)
def test_a_narrowed_list_costs_the_same_queries_at_ten_times_the_rows(
    staff_client, branch, url_name
):
    street = branch.project.community.street

    def grow(n):
        for _ in range(n):
            other = BranchFactory()
            other.project.community = branch.project.community
            other.project.save()
            ParticipationFactory(branch=other)
            ActivityLogFactory(branch=other)
            ProjectEnterpriseFactory(project=other.project)
            CoordinationItemFactory(project=other.project)

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse(url_name), {"street": street.pk}).status_code == 200
    grow(18)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(reverse(url_name), {"street": street.pk}).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_the_scope_is_kept_hidden_when_the_list_is_filtered_further(staff_client, branch):
    html = staff_client.get(reverse("members:list"), {"project": branch.project.pk}).content
    assert f'type="hidden" name="project" value="{branch.project.pk}"'.encode() in html
