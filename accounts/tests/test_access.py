import datetime

import pytest
from django.http import Http404
from django.test import RequestFactory

from accounts.access import (
    get_in_scope_or_404,
    is_street_staff,
    restrict,
    scope_for,
    street_staff_required,
)
from accounts.tests.factories import UserFactory
from branches.models import Branch
from branches.tests.factories import SeatFactory

pytestmark = pytest.mark.django_db


def test_street_staff_sees_every_branch(street_staff, branch, other_branch):
    assert scope_for(street_staff).sees_everything
    assert set(restrict(Branch.objects.all(), street_staff, branch_path="id")) == {
        branch,
        other_branch,
    }


def test_committee_admin_sees_every_branch(committee_admin, branch, other_branch):
    assert is_street_staff(committee_admin)
    assert restrict(Branch.objects.all(), committee_admin, branch_path="id").count() == 2


def test_secretary_sees_only_own_branch(secretary, branch, other_branch):
    visible = restrict(Branch.objects.all(), secretary, branch_path="id")
    assert list(visible) == [branch]


def test_secretary_cannot_get_other_branch(secretary, other_branch):
    with pytest.raises(Http404):
        get_in_scope_or_404(Branch.objects.all(), secretary, branch_path="id", pk=other_branch.pk)


def test_ended_seat_gives_no_access(branch):
    user = UserFactory()
    SeatFactory(
        branch=branch,
        user=user,
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 1, 1),
    )
    assert scope_for(user).branch_ids == frozenset()


def test_seat_starting_in_future_gives_no_access_yet(branch):
    user = UserFactory()
    SeatFactory(branch=branch, user=user, started_on=datetime.date(2999, 1, 1))
    assert not scope_for(user).covers_branch(branch.pk)


def test_deputy_seat_gives_access_to_its_branch(branch):
    user = UserFactory()
    SeatFactory(branch=branch, user=user, kind="deputy_secretary")
    assert scope_for(user).covers_branch(branch.pk)


def test_inactive_user_sees_nothing(secretary, branch):
    secretary.is_active = False
    assert not scope_for(secretary).covers_branch(branch.pk)


def test_scope_is_computed_once_per_user_object(secretary, django_assert_num_queries):
    scope_for(secretary)
    with django_assert_num_queries(0):
        scope_for(secretary)


def test_street_staff_required_refuses_secretary(secretary, street_staff):
    @street_staff_required
    def view(request):
        return "ok"

    request = RequestFactory().get("/")
    request.user = street_staff
    assert view(request) == "ok"
    request.user = secretary
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        view(request)


def test_staff_pages_on_another_branchs_objects_answer_404_to_a_secretary(
    secretary_client, branch, other_branch
):
    """Staff-only pages about an object: 403 for the secretary's own branch (they may see it,
    not change it), 404 for another branch's (as if it did not exist)."""
    from django.urls import reverse

    from assessments.tests.factories import make_cycle, make_version
    from branches.models import Archive
    from branches.tests.factories import SeatFactory
    from projects.tests.factories import WorkingGroupFactory

    cycle = make_cycle(make_version(), [branch])
    pages = {}
    for target in (branch, other_branch):
        seat = SeatFactory(branch=target, kind="committee_member")
        archive = Archive.objects.create(branch=target)
        group = WorkingGroupFactory(project=target.project)
        pages[target] = [
            reverse("branches:edit", args=[target.pk]),
            reverse("branches:transform", args=[target.pk]),
            reverse("branches:seat_end", args=[seat.pk]),
            reverse("branches:archive_status", args=[archive.pk]),
            reverse("projects:edit", args=[target.project.pk]),
            reverse("projects:timeline", args=[target.project.pk]),
            reverse("projects:working_group_edit", args=[group.pk]),
        ]
    for url in pages[branch]:
        assert secretary_client.get(url).status_code == 403, url
    for url in pages[other_branch]:
        assert secretary_client.get(url).status_code == 404, url
    # A cycle the secretary's branch is not in does not exist for them.
    assert (
        secretary_client.get(reverse("assessments:task_create", args=[cycle.pk])).status_code == 403
    )
    other_cycle = make_cycle(make_version(name="另一版"), [other_branch], name="另一周期")
    url = reverse("assessments:task_create", args=[other_cycle.pk])
    assert secretary_client.get(url).status_code == 404
