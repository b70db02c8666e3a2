import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from branches.tests.factories import PartyGroupFactory
from members import services
from members.models import Member, Participation, Transfer
from members.tests.factories import MemberFactory, ParticipationFactory, make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def new_member(**fields) -> Member:
    data = {
        "name": "王建军",
        "gender": "M",
        "birth_date": D(1980, 3, 3),
        "phone": "13912345678",
        "id_number": make_id_number(7, D(1980, 3, 3)),
        "standing": "full",
        "joined_party_on": D(2005, 7, 1),
        "full_member_on": D(2006, 7, 1),
        "employer_kind": "other",
        "employer_name": "某劳务公司",
        "relation_state": "in_pocket",
    }
    return Member(**(data | fields))


def test_register_records_member_and_participation(branch):
    group = PartyGroupFactory(branch=branch)
    member = services.member_register(
        member=new_member(), branch=branch, party_group=group, joined_on=D(2025, 4, 1)
    )
    participation = member.participations.get()
    assert (participation.branch, participation.party_group) == (branch, group)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "320602198003030071"}, "id_number"),  # wrong check digit
        ({"full_member_on": D(2004, 1, 1)}, "full_member_on"),  # full before joining
        ({"standing": "probationary"}, "full_member_on"),  # probationary with a full date
        ({"birth_date": D(1981, 3, 3)}, "birth_date"),  # differs from the ID number
        ({"gender": "F"}, "gender"),  # differs from the ID number
        ({"phone": "1381234"}, "phone"),
        ({"is_floating": True}, "floating_from"),
        ({"relation_state": "at_home"}, "home_organisation"),
    ],
)
def test_bad_member_data_is_refused_and_nothing_saved(branch, fields, field):
    with pytest.raises(ValidationError) as error:
        services.member_register(
            member=new_member(**fields), branch=branch, joined_on=D(2025, 4, 1)
        )
    assert field in error.value.error_dict
    assert not Member.objects.exists() and not Participation.objects.exists()


def test_a_group_of_another_branch_is_refused(branch, other_branch):
    with pytest.raises(ValidationError) as error:
        services.member_register(
            member=new_member(),
            branch=branch,
            party_group=PartyGroupFactory(branch=other_branch),
            joined_on=D(2025, 4, 1),
        )
    assert "party_group" in error.value.error_dict
    assert not Member.objects.exists()


def test_registering_twice_with_the_same_form_makes_one_member(branch):
    token = uuid.uuid4()
    for _ in range(2):
        services.member_register(
            member=new_member(), branch=branch, joined_on=D(2025, 4, 1), submission_token=token
        )
    assert Member.objects.count() == 1


def test_one_active_participation_at_a_time(branch, other_branch):
    participation = ParticipationFactory(branch=branch)
    with pytest.raises(ValidationError):
        services.participation_start(
            member=participation.member, branch=other_branch, joined_on=D(2025, 6, 1)
        )


def test_moving_ends_one_participation_and_starts_another(branch, other_branch):
    participation = ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1))
    member = participation.member
    services.participation_move(
        member=member, branch=other_branch, on=D(2025, 9, 1), reason="调往新项目"
    )
    history = list(member.participations.order_by("joined_on"))
    assert [(p.branch, p.joined_on, p.left_on) for p in history] == [
        (branch, D(2025, 4, 1), D(2025, 9, 1)),
        (other_branch, D(2025, 9, 1), None),
    ]
    assert history[0].leaving_reason == "调往新项目"


def test_moving_to_where_one_is_already_is_refused(branch):
    participation = ParticipationFactory(branch=branch)
    with pytest.raises(ValidationError):
        services.participation_move(
            member=participation.member, branch=branch, on=D(2025, 9, 1), reason="x"
        )


def test_leaving_needs_a_reason_and_a_sensible_date(branch):
    participation = ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1))
    with pytest.raises(ValidationError):
        services.participation_end(participation=participation, left_on=D(2025, 5, 1), reason="")
    with pytest.raises(ValidationError):
        services.participation_end(
            participation=participation, left_on=D(2025, 3, 1), reason="项目完工"
        )
    services.participation_end(participation=participation, left_on=D(2025, 5, 1), reason="完工")
    with pytest.raises(ValidationError):
        services.participation_start(
            member=participation.member, branch=branch, joined_on=D(2025, 4, 20)
        )


def test_transfer_goes_step_by_step_and_completes_the_relation(branch):
    member = ParticipationFactory(
        branch=branch, member__relation_state="in_pocket", member__home_organisation=None
    ).member
    transfer = services.transfer_request(
        member=member, to_branch=branch, requested_on=D(2026, 1, 5), actor=None
    )
    for status, day in (("letter_issued", 8), ("received", 20), ("completed", 25)):
        transfer = services.transfer_advance(
            transfer=transfer, to_status=status, on=D(2026, 1, day), actor=None
        )
    member.refresh_from_db()
    assert member.relation_state == Member.RelationState.IN_BRANCH
    assert transfer.closed_on == D(2026, 1, 25)
    assert list(transfer.steps.values_list("status", flat=True)) == [
        "requested",
        "letter_issued",
        "received",
        "completed",
    ]


def test_a_transfer_step_out_of_order_is_refused(branch):
    member = ParticipationFactory(branch=branch).member
    transfer = services.transfer_request(
        member=member, to_branch=branch, requested_on=D(2026, 1, 5), actor=None
    )
    with pytest.raises(ValidationError) as error:
        services.transfer_advance(
            transfer=transfer, to_status="completed", on=D(2026, 1, 9), actor=None
        )
    assert "to_status" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.transfer_advance(
            transfer=transfer, to_status="letter_issued", on=D(2026, 1, 1), actor=None
        )
    assert "on" in error.value.error_dict
    transfer.refresh_from_db()
    assert transfer.status == "requested"


def test_a_rejection_needs_a_reason_and_closes_the_transfer(branch):
    member = ParticipationFactory(branch=branch).member
    transfer = services.transfer_request(
        member=member, to_branch=branch, requested_on=D(2026, 1, 5), actor=None
    )
    with pytest.raises(ValidationError):
        services.transfer_advance(
            transfer=transfer, to_status="rejected", on=D(2026, 1, 6), actor=None
        )
    transfer = services.transfer_advance(
        transfer=transfer, to_status="rejected", on=D(2026, 1, 6), actor=None, note="介绍信有误"
    )
    assert (transfer.status, transfer.rejection_reason) == ("rejected", "介绍信有误")
    with pytest.raises(ValidationError):
        services.transfer_advance(
            transfer=transfer, to_status="letter_issued", on=D(2026, 1, 7), actor=None
        )
    # A new transfer can be requested once the last one is closed.
    services.transfer_request(
        member=member, to_branch=branch, requested_on=D(2026, 2, 1), actor=None
    )
    assert Transfer.objects.filter(member=member).count() == 2


def test_one_open_transfer_per_member(branch):
    member = ParticipationFactory(branch=branch).member
    services.transfer_request(
        member=member, to_branch=branch, requested_on=D(2026, 1, 5), actor=None
    )
    with pytest.raises(ValidationError):
        services.transfer_request(
            member=member, to_branch=branch, requested_on=D(2026, 1, 6), actor=None
        )


def test_pioneer_post_dates(branch):
    member = MemberFactory()
    post = services.pioneer_post_assign(
        member=member,
        project=branch.project,
        kind="key_post",
        title="塔吊指挥",
        started_on=D(2025, 5, 1),
    )
    with pytest.raises(ValidationError):
        services.pioneer_post_end(post=post, ended_on=D(2025, 4, 1))
    services.pioneer_post_end(post=post, ended_on=D(2025, 12, 31))


def test_every_change_to_a_member_is_in_the_audit_history(branch):
    member = ParticipationFactory(branch=branch).member
    member.job = "安全员"
    services.member_update(member=member)
    assert member.history.count() == 2
    assert member.history.first().job == "安全员"
