"""Dissolving a branch from its page (street staff only): open seats end and active Party groups
are dissolved on that date; a secretary gets 403 for their own branch, 404 for another."""

import datetime

import pytest
from django.urls import reverse

from branches.models import Branch
from branches.tests.factories import PartyGroupFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_dissolve_page_names_the_branch(staff_client, branch):
    response = staff_client.get(reverse("branches:dissolve", args=[branch.pk]))
    assert response.status_code == 200
    assert f"撤销 {branch.name}" in response.content.decode()


def test_staff_dissolve_a_branch_and_what_it_held_open_ends(staff_client, branch, secretary):
    group = PartyGroupFactory(branch=branch)
    response = staff_client.post(
        reverse("branches:dissolve", args=[branch.pk]), {"on": "2026-06-30", "note": "项目竣工"}
    )
    assert response.status_code == 302
    assert response["Location"] == branch.get_absolute_url()
    branch.refresh_from_db()
    group.refresh_from_db()
    assert (branch.status, branch.closed_on, branch.closure_note) == (
        Branch.Status.DISSOLVED,
        D(2026, 6, 30),
        "项目竣工",
    )
    assert set(branch.seats.values_list("ended_on", flat=True)) == {D(2026, 6, 30)}
    assert group.dissolved_on == D(2026, 6, 30)


@pytest.mark.parametrize(
    "data",
    [
        {"on": "2026-06-30", "note": ""},
        {"on": "2999-01-01", "note": "项目竣工"},
        {"on": "2025-01-01", "note": "项目竣工"},
    ],
    ids=["no reason", "future", "before it was established"],
)
def test_a_bad_dissolution_is_refused(staff_client, branch, data):
    response = staff_client.post(reverse("branches:dissolve", args=[branch.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    branch.refresh_from_db()
    assert (branch.status, branch.closed_on) == (Branch.Status.ACTIVE, None)
    assert not branch.seats.filter(ended_on__isnull=False).exists()


def test_dissolve_is_for_street_staff(secretary_client, outsider_client, branch, secretary):
    url = reverse("branches:dissolve", args=[branch.pk])
    data = {"on": "2026-06-30", "note": "项目竣工"}
    assert secretary_client.post(url, data).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, data).status_code == 404
    branch.refresh_from_db()
    assert branch.status == Branch.Status.ACTIVE
