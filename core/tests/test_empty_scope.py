"""A log-in with no seat (a new secretary, or one whose seat has ended) sees empty lists, not a
server error: the scope filters on an empty list of branches."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "members:list",
    "activities:list",
    "projects:list",
    "branches:list",
    "activities:compliance",
    "activities:campaigns",
    "activities:suggestions",
    "activities:rules",
    "activities:brands",
    "assessments:list",
    "projects:enterprises",
    "projects:coordination",
    "projects:lead_times",
]


@pytest.mark.parametrize("name", LISTS)
def test_a_secretary_without_a_seat_gets_an_empty_list(client, branch, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "共 0 条" in response.content.decode() or response.context.get("page") is None


def test_behind_only_on_the_compliance_grid_with_no_branch_behind(secretary_client):
    response = secretary_client.get(reverse("activities:compliance") + "?behind=1")
    assert response.status_code == 200
