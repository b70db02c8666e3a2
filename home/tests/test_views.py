"""The home page: the street's workbench for street staff, a secretary's own branch."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_for_street_staff_is_the_workbench(staff_client, branch, other_branch):
    response = staff_client.get(reverse("home:home"))
    assert response.templates[0].name == "home/home_street.html"
    coverage = response.context["workbench"]["coverage"]["projects"]
    assert (coverage["active"], coverage["covered"]) == (2, 2)


def test_home_for_a_secretary_shows_only_their_branch(secretary_client, branch, other_branch):
    response = secretary_client.get(reverse("home:home"))
    page = response.content.decode()
    assert branch.name in page
    assert other_branch.name not in page
    assert [home["branch"] for home in response.context["homes"]] == [branch]


def test_secretary_without_a_seat_is_told_what_to_do(client, db):
    client.force_login(UserFactory())
    assert "尚未关联任何支部职务" in client.get(reverse("home:home")).content.decode()
