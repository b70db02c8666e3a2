"""The workbench at city scale: its long tables show the few branches and projects to look at
first, it can be narrowed to a project or a community, and its queries do not grow with the
number of branches."""

import datetime
import itertools
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.tests.factories import ActivityLogFactory
from branches.tests.factories import BranchFactory, PartyGroupFactory
from home.dashboard import ROWS
from members.tests.factories import ParticipationFactory, make_candidate, make_letter
from projects.tests.factories import CommunityFactory, CoordinationItemFactory, ProjectFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 25, 4, 0, tzinfo=datetime.UTC)  # noon in Asia/Shanghai


def workbench(client, **params):
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        response = client.get(reverse("home:home"), params)
    assert response.status_code == 200
    return response


_numbers = itertools.count(1)


def grow(count, *, community=None, established=None):
    established = established or D(2025, 3, 1)
    branches = []
    for _ in range(count):
        project = ProjectFactory(**({"community": community} if community else {}))
        branch = BranchFactory(project=project, established_on=established)
        PartyGroupFactory(branch=branch, established_on=established)
        ParticipationFactory(branch=branch)
        ActivityLogFactory(branch=branch, held_on=D(2026, 3, 10))
        CoordinationItemFactory(project=project, branch=branch, due_on=D(2026, 12, 20))
        # A talk overdue, an approval due within the month, a letter past its validity.
        make_candidate(branch, next(_numbers), applied_on=D(2026, 9, 1))
        make_candidate(
            branch,
            next(_numbers),
            applied_on=D(2024, 1, 1),
            stage="development",
            meeting_on=D(2026, 9, 10),
        )
        make_letter(branch, issued_on=D(2026, 8, 1), valid_until=D(2026, 10, 1))
        branches.append(branch)
    return branches


@pytest.mark.parametrize("narrowed", ["", "community", "project"])
def test_the_workbench_costs_the_same_queries_for_5_and_50_branches(staff_client, narrowed):
    community = CommunityFactory()
    first = grow(5, community=community)
    params = {"": {}, "community": {"community": community.pk}, "project": {}}[narrowed]
    if narrowed == "project":
        params = {"project": first[0].project.pk}
    with CaptureQueriesContext(connection) as small:
        workbench(staff_client, **params)
    grow(45, community=community)
    with CaptureQueriesContext(connection) as large:
        response = workbench(staff_client, **params)
    assert len(large) == len(small)
    deadlines = response.context["workbench"]["deadlines"]
    in_scope = 1 if narrowed == "project" else 50
    assert (deadlines["recruiting"].overdue, deadlines["recruiting"].due) == (in_scope, in_scope)
    assert deadlines["letters"] == {"lapsed": in_scope, "receipts": in_scope}
    expected = 1 if narrowed == "project" else ROWS
    assert len(response.context["workbench"]["activity"]["rows"]) == expected


def test_long_tables_show_what_needs_attention_first(staff_client):
    # Set up this month: nothing owed yet. Set up last year without a meeting since: behind.
    on_time = grow(ROWS + 2, established=D(2026, 11, 1))
    behind = grow(2, established=D(2025, 12, 1))
    overdue = CoordinationItemFactory(
        project=on_time[-1].project, branch=on_time[-1], due_on=D(2026, 11, 1)
    )
    response = workbench(staff_client)
    activity = response.context["workbench"]["activity"]
    assert activity["branch_count"] == ROWS + 4 and activity["behind"] == 2
    assert len(activity["rows"]) == ROWS
    assert {r["row"].branch for r in activity["rows"][:2]} == set(behind)
    projects = response.context["workbench"]["projects"]
    assert len(projects) == ROWS and projects[0] == overdue.project
    assert projects[0].items_overdue == 1
    assert response.context["workbench"]["project_count"] == ROWS + 4
    page = response.content.decode()
    assert reverse("activities:compliance") in page and "overdue=yes" in page


def test_a_community_narrows_every_figure(staff_client):
    community = CommunityFactory()
    grow(3, community=community)
    grow(4)
    wide = response_figures(workbench(staff_client))
    narrow = response_figures(workbench(staff_client, community=community.pk))
    assert narrow == {"members": 3, "branches": 3, "projects": 3, "year": 3}
    assert wide == {"members": 7, "branches": 7, "projects": 7, "year": 7}


def response_figures(response):
    figures = response.context["workbench"]
    return {
        "members": figures["members"]["total"],
        "branches": figures["activity"]["branch_count"],
        "projects": figures["project_count"],
        "year": figures["activity"]["year_total"],
    }


def test_a_secretary_is_not_offered_the_street_filter(secretary_client):
    assert "workbench-scope" not in secretary_client.get(reverse("home:home")).content.decode()
