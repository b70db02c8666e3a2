"""Elections of branch committees, their appointment in one step, and the general meeting's
decisions on members: the quorum and majority rules with hand-worked numbers, scoping, bad
input that saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from branches.models import Seat, Term
from branches.tests.factories import SeatFactory
from members import elections
from members.models import Election, ElectionCandidate, Member, MemberDecision
from members.tests.factories import MemberFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are compared in their English source (the pages speak Chinese)."""
    with translation.override("en"):
        yield


HELD = datetime.date(2025, 10, 10)


def full_members(branch, count, prefix="党员"):
    return [
        ParticipationFactory(branch=branch, member=MemberFactory(name=f"{prefix}{i:02d}")).member
        for i in range(count)
    ]


def probationary(branch, name="预备党员甲"):
    member = MemberFactory(name=name, standing=Member.Standing.PROBATIONARY, full_member_on=None)
    ParticipationFactory(branch=branch, member=member)
    return member


def record(branch, members, *, present, votes, seats=3, contested=True, **extra):
    return elections.election_record(
        branch=branch,
        held_on=HELD,
        seats=seats,
        contested=contested,
        term_years=3,
        present=members[:present],
        candidates=[(members[i], v) for i, v in enumerate(votes)],
        **extra,
    )


def test_only_full_members_active_that_day_are_entitled(branch):
    voters = full_members(branch, 3)
    probationary(branch)
    late = ParticipationFactory(branch=branch, joined_on=datetime.date(2025, 11, 1)).member
    left = ParticipationFactory(
        branch=branch, joined_on=datetime.date(2025, 4, 1), left_on=datetime.date(2025, 9, 1)
    ).member
    recent = MemberFactory(full_member_on=datetime.date(2025, 10, 11))
    ParticipationFactory(branch=branch, member=recent)
    entitled = set(elections.entitled_voters(branch=branch, on=HELD))
    assert entitled == set(voters)
    assert late not in entitled and left not in entitled and recent not in entitled


def test_ten_entitled_nine_present_is_valid_and_the_majority_elects(branch):
    members = full_members(branch, 10)
    # 9 present: a candidate needs 5 votes (more than 4.5).
    election = record(branch, members, present=9, votes=[9, 8, 5, 4])
    assert (election.entitled_count, election.present_count) == (10, 9)
    assert elections.election_quorum(election).valid
    outcome = {o.candidate.member.name: o.status for o in elections.election_outcome(election)}
    assert outcome == {
        "党员00": "elected",
        "党员01": "elected",
        "党员02": "elected",
        "党员03": "not_elected",
    }


def test_ten_entitled_eight_present_is_recorded_but_not_valid(branch):
    members = full_members(branch, 10)
    election = record(branch, members, present=8, votes=[8, 8, 8, 1])
    verdict = elections.election_quorum(election)
    assert not verdict.valid
    assert "at least 9" in verdict.reasons[0]
    with pytest.raises(ValidationError, match="at least 9"):
        elections.election_appoint(
            election=election,
            started_on=HELD,
            secretary=election.candidates.get(member=members[0]),
        )
    assert not Term.objects.exists()


def test_more_passing_than_seats_takes_the_most_votes_and_a_tie_at_the_cut_is_not_elected(
    branch,
):
    members = full_members(branch, 10)
    election = record(branch, members, present=10, votes=[10, 9, 7, 7])
    outcome = {o.candidate.member.name: o.status for o in elections.election_outcome(election)}
    assert outcome == {"党员00": "elected", "党员01": "elected", "党员02": "tie", "党员03": "tie"}


def test_a_contested_election_needs_a_fifth_more_candidates(branch):
    members = full_members(branch, 10)
    # 3 seats: ceil(3.6) = 4 candidates at least.
    with pytest.raises(ValidationError) as error:
        record(branch, members, present=10, votes=[9, 9, 9])
    assert "at least 4 candidates" in str(error.value.message_dict["candidates"])
    # 5 seats: 6 candidates at least.
    with pytest.raises(ValidationError, match="at least 6 candidates"):
        record(branch, members, present=10, seats=5, votes=[9, 9, 9, 9, 9])
    record(branch, members, present=10, seats=5, votes=[9, 9, 9, 9, 9, 1])
    assert Election.objects.count() == 1


def test_an_uncontested_election_has_as_many_candidates_as_seats(branch):
    members = full_members(branch, 10)
    with pytest.raises(ValidationError, match="as many candidates as seats"):
        record(branch, members, present=10, contested=False, votes=[9, 9, 9, 1])
    assert record(branch, members, present=10, contested=False, votes=[9, 9, 9])


def test_seats_follow_the_size_of_the_branch(branch):
    members = full_members(branch, 6)
    with pytest.raises(ValidationError, match="has no committee"):
        record(branch, members, present=6, seats=3, votes=[6, 6, 6, 1])
    assert record(branch, members, present=6, seats=1, votes=[5, 1])
    more = full_members(branch, 1, prefix="新党员")
    with pytest.raises(ValidationError, match="committee of 3 to 7"):
        record(branch, members + more, present=7, seats=2, votes=[6, 6, 1])


def test_bad_candidates_and_votes_save_nothing(branch, other_branch):
    members = full_members(branch, 10)
    outsider = full_members(other_branch, 1, prefix="外支部")[0]
    newcomer = probationary(branch)
    cases = [
        ([(members[0], 9), (members[0], 9), (members[1], 9), (members[2], 9)], "named twice"),
        ([(members[0], 9), (members[1], 9), (members[2], 9), (newcomer, 1)], "Only full members"),
        ([(members[0], 11), (members[1], 9), (members[2], 9), (members[3], 1)], "More votes"),
    ]
    for candidates, message in cases:
        with pytest.raises(ValidationError, match=message):
            elections.election_record(
                branch=branch,
                held_on=HELD,
                seats=3,
                contested=True,
                term_years=3,
                present=members,
                candidates=candidates,
            )
    with pytest.raises(ValidationError, match="Not entitled"):
        record(branch, [*members[:9], outsider], present=10, votes=[9, 9, 9, 1])
    assert not Election.objects.exists()
    assert not ElectionCandidate.objects.exists()


def test_appointing_closes_the_old_seats_and_opens_the_elected_ones_with_the_term(
    branch, secretary
):
    other_user = UserFactory(username="committee-member")
    members = full_members(branch, 9)
    old_secretary = Seat.objects.get(branch=branch, user=secretary)
    old_member = SeatFactory(
        branch=branch, kind=Seat.Kind.COMMITTEE_MEMBER, holder_name="党员02", user=other_user
    )
    election = record(branch, members, present=9, votes=[9, 8, 7, 2])
    start = datetime.date(2025, 10, 20)
    elections.election_appoint(
        election=election,
        started_on=start,
        secretary=election.candidates.get(member=members[0]),
        deputy=election.candidates.get(member=members[1]),
        secretary_user=secretary,
    )
    old_secretary.refresh_from_db()
    old_member.refresh_from_db()
    assert old_secretary.ended_on == start and old_member.ended_on == start
    open_seats = {
        (s.kind, s.holder_name, s.origin, s.started_on, s.user_id)
        for s in Seat.objects.filter(branch=branch, ended_on__isnull=True)
    }
    assert open_seats == {
        (Seat.Kind.SECRETARY, "党员00", Seat.Origin.ELECTION, start, secretary.pk),
        (Seat.Kind.DEPUTY_SECRETARY, "党员01", Seat.Origin.ELECTION, start, None),
        # re-elected: keeps the log-in of the seat that ended
        (Seat.Kind.COMMITTEE_MEMBER, "党员02", Seat.Origin.ELECTION, start, other_user.pk),
    }
    election.refresh_from_db()
    assert election.appointed_on == start
    assert (election.term.started_on, election.term.ends_on) == (
        start,
        datetime.date(2028, 10, 20),
    )
    with pytest.raises(ValidationError, match="already been appointed"):
        elections.election_appoint(
            election=election,
            started_on=start,
            secretary=election.candidates.get(member=members[0]),
        )


def test_the_secretary_must_be_elected_and_a_refused_appointment_changes_nothing(branch, secretary):
    members = full_members(branch, 9)
    election = record(branch, members, present=9, votes=[9, 8, 7, 2])
    with pytest.raises(ValidationError, match="one of those elected"):
        elections.election_appoint(
            election=election,
            started_on=HELD,
            secretary=election.candidates.get(member=members[3]),
        )
    with pytest.raises(ValidationError, match="not the secretary"):
        elections.election_appoint(
            election=election,
            started_on=HELD,
            secretary=election.candidates.get(member=members[0]),
            deputy=election.candidates.get(member=members[0]),
        )
    with pytest.raises(ValidationError, match="before the election"):
        elections.election_appoint(
            election=election,
            started_on=HELD - datetime.timedelta(days=1),
            secretary=election.candidates.get(member=members[0]),
        )
    assert Seat.objects.filter(branch=branch, ended_on__isnull=True).count() == 1
    assert not Term.objects.exists()


# Decisions on members ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "in_favour", "valid"),
    [(6, 6, True), (5, 5, False), (9, 5, False), (9, 6, True)],
)
def test_a_decision_is_recorded_with_its_validity(branch, present, in_favour, valid):
    members = full_members(branch, 10)
    probationary(branch)  # no vote: not counted among those entitled
    decision = elections.member_decision_record(
        branch=branch,
        held_on=HELD,
        kind=MemberDecision.Kind.ADMISSION,
        subject_name="申请人乙",
        present=members[:present],
        in_favour=in_favour,
    )
    assert decision.entitled_count == 10
    assert decision.is_valid is valid
    assert elections.member_decision_verdict(decision).valid is valid


def test_a_decision_with_more_in_favour_than_present_is_refused(branch):
    members = full_members(branch, 10)
    with pytest.raises(ValidationError, match="More in favour"):
        elections.member_decision_record(
            branch=branch,
            held_on=HELD,
            kind=MemberDecision.Kind.ADMISSION,
            subject_name="申请人乙",
            present=members[:6],
            in_favour=7,
        )
    assert not MemberDecision.objects.exists()


# Pages -------------------------------------------------------------------------------------------


def election_post(members, *, present, votes, seats=3, held_on=HELD, token=None):
    data = {
        "held_on": held_on.isoformat(),
        "seats": seats,
        "contested": "on",
        "term_years": 3,
        "present": [m.pk for m in members[:present]],
        "note": "",
        "candidates-TOTAL_FORMS": 8,
        "candidates-INITIAL_FORMS": 0,
        "candidates-MIN_NUM_FORMS": 0,
        "candidates-MAX_NUM_FORMS": 12,
    }
    if token:
        data["submission_token"] = token
    for i, v in enumerate(votes):
        data[f"candidates-{i}-member"] = members[i].pk
        data[f"candidates-{i}-votes"] = v
    return data


def test_the_secretary_records_an_election_once_however_often_it_is_sent(branch, secretary_client):
    members = full_members(branch, 10)
    url = reverse("members:election_create", args=[branch.pk])
    assert secretary_client.get(url).status_code == 200
    data = election_post(
        members, present=9, votes=[9, 8, 5, 4], token="7d0c8b1e-3f55-4f26-9f65-0b7b8a3b1c11"
    )
    response = secretary_client.post(url, data)
    election = Election.objects.get()
    assert response.status_code == 302 and response.url == election.get_absolute_url()
    secretary_client.post(url, data)
    assert Election.objects.count() == 1
    response = secretary_client.get(election.get_absolute_url())
    assert [(o.candidate.member.name, o.status) for o in response.context["outcome"]] == [
        ("党员00", "elected"),
        ("党员01", "elected"),
        ("党员02", "elected"),
        ("党员03", "not_elected"),
    ]
    assert "党员00" in response.content.decode()


def test_a_bad_election_form_keeps_its_values_and_says_why(branch, secretary_client):
    members = full_members(branch, 10)
    url = reverse("members:election_create", args=[branch.pk])
    response = secretary_client.post(url, election_post(members, present=10, votes=[9, 9, 9]))
    assert response.status_code == 200
    assert [str(e) for e in response.context["candidates"].non_form_errors()] == [
        "差额选举3个名额，候选人至少4名（多于应选人数20%）；现有3名。"
    ]
    assert response.context["candidates"].forms[0]["votes"].value() == "9"
    row_without_votes = election_post(members, present=10, votes=[9, 9, 9, 1])
    del row_without_votes["candidates-3-votes"]
    response = secretary_client.post(url, row_without_votes)
    assert response.context["candidates"].forms[3].errors["votes"]
    assert not Election.objects.exists()


def test_another_branch_secretary_gets_404(branch, outsider_client):
    members = full_members(branch, 10)
    election = record(branch, members, present=9, votes=[9, 8, 5, 4])
    for url in (
        reverse("members:elections", args=[branch.pk]),
        reverse("members:election_create", args=[branch.pk]),
        reverse("members:decision_create", args=[branch.pk]),
        election.get_absolute_url(),
        reverse("members:election_appoint", args=[election.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
    response = outsider_client.post(
        reverse("members:election_create", args=[branch.pk]),
        election_post(members, present=9, votes=[9, 8, 5, 4]),
    )
    assert response.status_code == 404
    assert Election.objects.count() == 1


def test_the_branch_secretary_cannot_appoint_the_result(branch, secretary_client):
    members = full_members(branch, 10)
    election = record(branch, members, present=9, votes=[9, 8, 5, 4])
    response = secretary_client.get(reverse("members:election_appoint", args=[election.pk]))
    assert response.status_code == 403


def test_staff_appoint_the_result_in_one_step(branch, secretary, staff_client):
    members = full_members(branch, 10)
    election = record(branch, members, present=9, votes=[9, 8, 5, 4])
    url = reverse("members:election_appoint", args=[election.pk])
    form = staff_client.get(url).context["form"]
    assert form["secretary_user"].value() == secretary.pk
    secretary = election.candidates.get(member=members[1])
    response = staff_client.post(url, {"started_on": "2025-10-12", "secretary": secretary.pk})
    assert response.status_code == 302
    assert (
        Seat.objects.get(branch=branch, kind=Seat.Kind.SECRETARY, ended_on__isnull=True).holder_name
        == "党员01"
    )
    assert Seat.objects.filter(branch=branch, origin=Seat.Origin.ELECTION).count() == 3


def test_a_decision_page_says_why_it_is_not_valid(branch, secretary_client):
    members = full_members(branch, 10)
    url = reverse("members:decision_create", args=[branch.pk])
    response = secretary_client.post(
        url,
        {
            "held_on": HELD.isoformat(),
            "kind": MemberDecision.Kind.ADMISSION,
            "subject_name": "申请人乙",
            "present": [m.pk for m in members[:9]],
            "in_favour": 5,
        },
    )
    assert response.status_code == 302
    page = secretary_client.get(reverse("members:elections", args=[branch.pk])).content.decode()
    assert "申请人乙" in page
    decision = MemberDecision.objects.get()
    assert not decision.is_valid
    response = secretary_client.post(
        url, {"held_on": HELD.isoformat(), "kind": "admission", "present": [], "in_favour": 0}
    )
    assert response.context["form"].errors["subject_name"]
    assert MemberDecision.objects.count() == 1


def test_the_elections_page_query_count_does_not_grow(
    branch, secretary_client, django_assert_max_num_queries
):
    members = full_members(branch, 10)
    record(branch, members, present=9, votes=[9, 8, 5, 4])
    elections.member_decision_record(
        branch=branch,
        held_on=HELD,
        kind=MemberDecision.Kind.ADMISSION,
        subject_name="申请人",
        present=members[:6],
        in_favour=6,
    )
    url = reverse("members:elections", args=[branch.pk])
    with django_assert_max_num_queries(30) as few:
        secretary_client.get(url)
    for _ in range(6):
        record(branch, members, present=9, votes=[9, 8, 5, 4])
        elections.member_decision_record(
            branch=branch,
            held_on=HELD,
            kind=MemberDecision.Kind.ADMISSION,
            subject_name="申请人",
            present=members[:6],
            in_favour=6,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(url)
    assert len(response.context["page"].object_list) == 7


def test_a_full_membership_decision_names_the_probationary_member(branch):
    members = full_members(branch, 4)
    candidate = probationary(branch)
    with pytest.raises(ValidationError) as error:
        elections.member_decision_record(
            branch=branch,
            held_on=HELD,
            kind=MemberDecision.Kind.FULL_MEMBERSHIP,
            subject_name="",
            present=members[:3],
            in_favour=3,
        )
    assert "member" in error.value.message_dict
    # 4 entitled: 3 present is more than half (2), 3 in favour more than half of the 4.
    decision = elections.member_decision_record(
        branch=branch,
        held_on=HELD,
        kind=MemberDecision.Kind.FULL_MEMBERSHIP,
        subject_name="",
        member=candidate,
        present=members[:3],
        in_favour=3,
    )
    assert (decision.subject_name, decision.is_valid) == ("预备党员甲", True)
    assert list(decision.entitled.all()) == sorted(members, key=lambda m: (m.name, m.pk))
