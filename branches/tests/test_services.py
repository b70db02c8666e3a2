import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from accounts.access import scope_for
from accounts.models import User
from branches import services
from branches.models import Branch, PartyGroup, Seat
from branches.tests.factories import PartyCommitteeFactory, PartyGroupFactory, SeatFactory
from projects.tests.factories import WorkingGroupFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_project_has_one_active_branch(branch):
    with pytest.raises(ValidationError, match=r"已有运行中的党支部|already has an active branch"):
        services.branch_establish(
            project=branch.project,
            committee=branch.committee,
            name="第二个支部",
            established_on=D(2025, 6, 1),
        )


def test_a_transformed_branch_can_be_followed_by_a_new_one(branch):
    services.branch_transform(
        branch=branch, on=D(2026, 6, 30), into="community", successor_name="某社区党委"
    )
    successor = services.branch_establish(
        project=branch.project,
        committee=PartyCommitteeFactory(),
        name="新支部",
        established_on=D(2026, 7, 1),
    )
    assert list(branch.project.branches.filter(status="active")) == [successor]


def test_transformation_ends_seats_and_groups_and_keeps_them(branch, secretary):
    group = PartyGroupFactory(branch=branch)
    assert scope_for(secretary).covers_branch(branch.pk)
    services.branch_transform(
        branch=branch,
        on=D(2026, 6, 30),
        into="business_district",
        successor_name="狼山商圈党委",
        note="竣工验收后转为商圈党建",
    )
    branch.refresh_from_db()
    assert (branch.status, branch.closed_on, branch.transformed_into) == (
        "transformed",
        D(2026, 6, 30),
        "business_district",
    )
    assert Seat.objects.get(user=secretary).ended_on == D(2026, 6, 30)
    group.refresh_from_db()
    assert group.dissolved_on == D(2026, 6, 30)
    # The seat no longer gives access (from the next request on), but nothing was deleted.
    assert not scope_for(User.objects.get(pk=secretary.pk)).covers_branch(branch.pk)
    assert branch.seats.count() == 1 and branch.party_groups.count() == 1


def test_a_branch_is_transformed_once(branch):
    services.branch_transform(branch=branch, on=D(2026, 6, 30), into="building", successor_name="x")
    with pytest.raises(ValidationError):
        services.branch_transform(
            branch=branch, on=D(2026, 7, 30), into="building", successor_name="x"
        )


def test_closing_before_the_branch_existed_is_refused(branch):
    with pytest.raises(ValidationError):
        services.branch_dissolve(branch=branch, on=D(2020, 1, 1), note="撤销")
    branch.refresh_from_db()
    assert branch.status == Branch.Status.ACTIVE


def test_dissolving_needs_a_reason(branch):
    with pytest.raises(ValidationError) as error:
        services.branch_dissolve(branch=branch, on=D(2026, 1, 1), note="  ")
    assert "closure_note" in error.value.error_dict


def test_two_active_secretaries_are_refused(branch):
    SeatFactory(branch=branch)
    with pytest.raises(ValidationError):
        services.seat_appoint(
            branch=branch,
            kind=Seat.Kind.SECRETARY,
            holder_name="李四",
            origin=Seat.Origin.LINKED_LEADER,
            started_on=D(2025, 9, 1),
        )


def test_a_new_secretary_after_the_old_seat_ends(branch):
    old = SeatFactory(branch=branch)
    services.seat_end(seat=old, ended_on=D(2025, 8, 31))
    new = services.seat_appoint(
        branch=branch,
        kind=Seat.Kind.SECRETARY,
        holder_name="李四",
        origin=Seat.Origin.LINKED_LEADER,
        started_on=D(2025, 9, 1),
    )
    assert list(Seat.objects.held_on(D(2025, 9, 1)).filter(branch=branch)) == [new]
    assert list(Seat.objects.held_on(D(2025, 8, 30)).filter(branch=branch)) == [old]


def test_seat_ending_before_start_is_refused(branch):
    seat = SeatFactory(branch=branch, started_on=D(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.seat_end(seat=seat, ended_on=D(2025, 2, 1))


def test_seats_are_appointed_only_in_an_active_branch(branch):
    services.branch_dissolve(branch=branch, on=D(2026, 1, 1), note="项目终止")
    with pytest.raises(ValidationError):
        services.seat_appoint(
            branch=branch,
            kind=Seat.Kind.COMMITTEE_MEMBER,
            holder_name="李四",
            origin=Seat.Origin.ENTERPRISE_BACKBONE,
            started_on=D(2026, 2, 1),
        )


def test_party_group_matches_a_working_group_of_its_own_project(branch):
    own = WorkingGroupFactory(project=branch.project)
    group = services.party_group_create(
        branch=branch, name="项目协调党小组", established_on=D(2025, 3, 10), working_group=own
    )
    assert group.working_group == own
    with pytest.raises(ValidationError) as error:
        services.party_group_create(
            branch=branch,
            name="别的党小组",
            established_on=D(2025, 3, 10),
            working_group=WorkingGroupFactory(),
        )
    assert "working_group" in error.value.error_dict


def test_party_group_names_are_unique_among_active_groups(branch):
    first = PartyGroupFactory(branch=branch, name="一组")
    with pytest.raises(ValidationError):
        services.party_group_create(branch=branch, name="一组", established_on=D(2025, 4, 1))
    services.party_group_dissolve(group=first, on=D(2025, 5, 1))
    services.party_group_create(branch=branch, name="一组", established_on=D(2025, 5, 2))
    assert branch.party_groups.count() == 2


def test_party_group_sent_twice_is_created_once(branch):
    token = uuid.uuid4()
    for _ in range(2):
        services.party_group_create(
            branch=branch, name="一组", established_on=D(2025, 4, 1), submission_token=token
        )
    assert PartyGroup.objects.count() == 1


def test_a_closed_branchs_groups_are_kept_as_they_are(branch):
    group = PartyGroupFactory(branch=branch)
    services.branch_dissolve(branch=branch, on=D(2026, 1, 1), note="项目终止")
    group.refresh_from_db()
    group.name = "改名"
    with pytest.raises(ValidationError):
        services.party_group_update(group=group)
    with pytest.raises(ValidationError):
        services.party_group_create(branch=branch, name="新组", established_on=D(2026, 1, 2))
