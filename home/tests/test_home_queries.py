"""Each home page costs the same number of queries when the data grows tenfold."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.tests.factories import ActivityLogFactory
from branches.tests.factories import BranchFactory, PartyGroupFactory, SeatFactory
from members.tests.factories import ParticipationFactory, make_candidate, make_letter
from projects.tests.factories import CoordinationItemFactory, ProjectFactory

pytestmark = pytest.mark.django_db


_numbers = itertools.count(1)


def grow(branches, n):
    for _ in range(n):
        branch = BranchFactory()
        SeatFactory(branch=branch)
        PartyGroupFactory(branch=branch)
        ParticipationFactory(branch=branch)
        ActivityLogFactory(branch=branch, held_on=datetime.date(2026, 3, 10))
        CoordinationItemFactory(project=branch.project, branch=branch)
        ProjectFactory()
    for branch in branches:
        ParticipationFactory(branch=branch)
        ActivityLogFactory(branch=branch, held_on=datetime.date(2026, 3, 10))
        # Recruiting deadlines and transfer letters: counted, not listed.
        make_candidate(branch, next(_numbers), applied_on=datetime.date(2026, 3, 1))
        make_letter(branch, issued_on=datetime.date(2026, 3, 1))


@pytest.mark.parametrize("who", ["staff_client", "secretary_client"])
def test_home_queries_hold_at_ten_times_the_rows(request, who, branch):
    client = request.getfixturevalue(who)
    grow([branch], 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home:home")).status_code == 200
    grow([branch] * 9, 18)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home:home")).status_code == 200
    assert len(large) == len(small)
