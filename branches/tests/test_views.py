import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import Seat
from branches.tests.factories import BranchFactory, SeatFactory

pytestmark = pytest.mark.django_db


def test_staff_sees_every_branch(staff_client, branch, other_branch):
    response = staff_client.get(reverse("branches:list"))
    assert set(response.context["branches"]) == {branch, other_branch}


def test_secretary_sees_only_own_branch(secretary_client, branch, other_branch):
    response = secretary_client.get(reverse("branches:list"))
    assert list(response.context["branches"]) == [branch]
    assert other_branch.name not in response.content.decode()


def test_secretary_gets_404_for_another_branch(secretary_client, other_branch):
    assert (
        secretary_client.get(reverse("branches:detail", args=[other_branch.pk])).status_code == 404
    )


def test_missing_branch_is_404(staff_client):
    assert staff_client.get(reverse("branches:detail", args=[999999])).status_code == 404


def test_branch_page_shows_seat_history(staff_client, branch):
    SeatFactory(
        branch=branch,
        holder_name="前任书记",
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 2, 28),
    )
    SeatFactory(branch=branch, holder_name="现任书记", started_on=datetime.date(2025, 3, 1))
    response = staff_client.get(reverse("branches:detail", args=[branch.pk]))
    page = response.content.decode()
    assert page.index("现任书记") < page.index("前任书记")
    assert "2025年2月28日" in page


def test_branch_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        SeatFactory(branch=BranchFactory())
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("branches:list"))
    for _ in range(12):
        branch = BranchFactory()
        SeatFactory(branch=branch)
        SeatFactory(branch=branch, kind=Seat.Kind.DEPUTY_SECRETARY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("branches:list"))
    assert len(response.context["branches"]) == 15


def test_a_branch_has_one_open_secretary_seat(branch):
    SeatFactory(branch=branch)
    second = Seat(
        branch=branch,
        kind=Seat.Kind.SECRETARY,
        holder_name="张三",
        origin=Seat.Origin.LINKED_LEADER,
        started_on=datetime.date(2025, 6, 1),
    )
    with pytest.raises(ValidationError, match=r"已有书记|already has a secretary"):
        second.full_clean()


def test_a_seat_cannot_end_before_it_starts(branch):
    seat = Seat(
        branch=branch,
        kind=Seat.Kind.COMMITTEE_MEMBER,
        holder_name="李四",
        origin=Seat.Origin.ENTERPRISE_BACKBONE,
        started_on=datetime.date(2025, 6, 1),
        ended_on=datetime.date(2025, 5, 1),
    )
    with pytest.raises(ValidationError):
        seat.full_clean()
