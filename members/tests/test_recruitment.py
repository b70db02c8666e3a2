"""Recruiting members: each legal interval refused with its reason, the steps in the order of
their stages, the approval making the candidate a member without retyping, full membership
with the history kept, and the deadlines as reminders."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import translation

from branches.tests.factories import PartyGroupFactory
from members import recruitment
from members.elections import member_decision_record
from members.models import Candidate, CandidateStep, Member, MemberDecision
from members.tests.factories import MemberFactory, ParticipationFactory, make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date
BORN = D(1995, 5, 6)
APPLIED = D(2023, 3, 1)
MEETING = D(2024, 6, 20)
Kind = CandidateStep.Kind


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def voters(branch):
    return [
        ParticipationFactory(
            branch=branch, joined_on=D(2020, 1, 1), member=MemberFactory(name=f"老党员{i}")
        ).member
        for i in range(4)
    ]


def new_candidate(n=1, birth=BORN) -> Candidate:
    return Candidate(
        name="王建国",
        id_number=make_id_number(n, birth),
        phone="13900000001",
        employer_kind=Member.EmployerKind.OTHER,
        employer_name="南通一建",
        job="钢筋工",
    )


def apply(branch, on=APPLIED, **kwargs) -> Candidate:
    return recruitment.candidate_apply(
        candidate=new_candidate(**kwargs), branch=branch, applied_on=on
    )


def step(candidate, kind, on, **extra):
    return recruitment.step_record(candidate=candidate, kind=kind, happened_on=on, **extra)


def refused(candidate, kind, on, **extra) -> dict:
    with pytest.raises(ValidationError) as error:
        step(candidate, kind, on, **extra)
    return error.value.message_dict


def decision(branch, voters, on, kind=MemberDecision.Kind.ADMISSION, member=None, **extra):
    return member_decision_record(
        branch=branch,
        held_on=on,
        kind=kind,
        subject_name="王建国",
        member=member,
        present=voters,
        in_favour=len(voters),
        **extra,
    )


def to_activist(candidate):
    step(candidate, Kind.TALK, D(2023, 3, 20))
    step(candidate, Kind.RECOMMENDATION, D(2023, 4, 1))
    step(candidate, Kind.ACTIVIST, D(2023, 4, 10))


def to_development(candidate, voters):
    to_activist(candidate)
    step(candidate, Kind.CONTACT, D(2023, 4, 10), person=voters[0])
    step(candidate, Kind.CANDIDATE, D(2024, 4, 10))


def to_vote(candidate, branch, voters, meeting=MEETING):
    to_development(candidate, voters)
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[0])
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[1])
    step(candidate, Kind.POLITICAL_REVIEW, D(2024, 5, 1))
    step(candidate, Kind.TRAINING, D(2024, 5, 10), training_days=3)
    step(candidate, Kind.COMMITTEE_REVIEW, D(2024, 5, 20))
    step(candidate, Kind.PRE_REVIEW, D(2024, 6, 1))
    step(candidate, Kind.APPLICATION_FORM, D(2024, 6, 5))
    step(candidate, Kind.ADMISSION_VOTE, meeting, decision=decision(branch, voters, meeting))
    step(candidate, Kind.HIGHER_TALK, meeting)


def admitted(candidate, branch, voters):
    to_vote(candidate, branch, voters)
    step(candidate, Kind.ADMISSION_APPROVAL, D(2024, 8, 1))
    candidate.refresh_from_db()
    return candidate


# The application ---------------------------------------------------------------------------------


def test_an_application_enters_the_personal_data_once_and_reads_birth_and_gender(branch):
    candidate = apply(branch, birth=D(1996, 2, 29))
    assert candidate.stage == Candidate.Stage.APPLICANT
    assert candidate.birth_date == D(1996, 2, 29)
    assert candidate.gender == Member.Gender.MALE
    assert list(candidate.steps.values_list("kind", "happened_on")) == [
        (Kind.APPLICATION, D(2023, 3, 1))
    ]


def test_an_applicant_under_eighteen_on_the_day_is_refused(branch):
    with pytest.raises(ValidationError) as error:
        apply(branch, on=D(2026, 2, 27), birth=D(2008, 2, 28))
    assert "at least 18" in error.value.message_dict["applied_on"][0]
    assert not Candidate.objects.exists()
    assert apply(branch, on=D(2026, 2, 28), birth=D(2008, 2, 28)).pk


def test_an_invalid_id_number_is_refused_with_the_existing_messages(branch):
    candidate = new_candidate()
    candidate.id_number = candidate.id_number[:-1] + (
        "0" if candidate.id_number[-1] != "0" else "1"
    )
    with pytest.raises(ValidationError) as error:
        recruitment.candidate_apply(candidate=candidate, branch=branch, applied_on=D(2023, 3, 1))
    assert "check digit" in error.value.message_dict["id_number"][0]


def test_a_member_cannot_apply_again(branch):
    member = MemberFactory()
    candidate = new_candidate()
    candidate.id_number = member.id_number
    with pytest.raises(ValidationError) as error:
        recruitment.candidate_apply(candidate=candidate, branch=branch, applied_on=D(2023, 3, 1))
    assert "recorded already" in error.value.message_dict["id_number"][0]


def test_the_talk_is_due_within_a_month_a_warning_not_a_refusal(branch):
    candidate = apply(branch, on=D(2023, 1, 31))
    due = recruitment.next_due(candidate, {Kind.APPLICATION}, D(2023, 3, 1))
    assert (due.on, due.kind, due.overdue) == (D(2023, 2, 28), "due", True)
    late = step(candidate, Kind.TALK, D(2023, 3, 15))  # late, but it happened: recorded
    assert late.pk


# Order ------------------------------------------------------------------------------------------


def test_steps_follow_their_stage_and_what_they_require(branch, voters):
    candidate = apply(branch)
    assert "Record first" in refused(candidate, Kind.ACTIVIST, D(2023, 4, 1))["kind"][0]
    assert "not a step of the stage" in refused(candidate, Kind.CANDIDATE, D(2024, 5, 1))["kind"][0]
    step(candidate, Kind.TALK, D(2023, 3, 20))
    assert "recorded already" in refused(candidate, Kind.TALK, D(2023, 3, 21))["kind"][0]
    step(candidate, Kind.RECOMMENDATION, D(2023, 4, 1))
    errors = refused(candidate, Kind.ACTIVIST, D(2023, 3, 31))
    assert "before" in errors["happened_on"][0]
    assert recruitment.allowed_kinds(candidate, list(candidate.steps.all())) == [Kind.ACTIVIST]


def test_a_step_in_the_future_is_refused(branch):
    candidate = apply(branch)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert "future" in refused(candidate, Kind.TALK, tomorrow)["happened_on"][0]


def test_contacts_and_introducers_are_full_members_of_the_branch(branch, voters, other_branch):
    candidate = apply(branch)
    to_activist(candidate)
    probationary = MemberFactory(standing=Member.Standing.PROBATIONARY, full_member_on=None)
    ParticipationFactory(branch=branch, member=probationary, joined_on=D(2020, 1, 1))
    elsewhere = ParticipationFactory(branch=other_branch, joined_on=D(2020, 1, 1)).member
    for person in (probationary, elsewhere):
        errors = refused(candidate, Kind.CONTACT, D(2023, 5, 1), person=person)
        assert "not a full member of the branch" in errors["person"][0]
    step(candidate, Kind.CONTACT, D(2023, 5, 1), person=voters[0])
    assert (
        "named already"
        in refused(candidate, Kind.CONTACT, D(2023, 5, 2), person=voters[0])["person"][0]
    )
    step(candidate, Kind.CONTACT, D(2023, 5, 2), person=voters[1])
    assert (
        "2 at most" in refused(candidate, Kind.CONTACT, D(2023, 5, 3), person=voters[2])["kind"][0]
    )


# Intervals --------------------------------------------------------------------------------------


def test_a_development_candidate_only_a_year_after_becoming_activist(branch, voters):
    candidate = apply(branch)
    to_activist(candidate)  # activist on 10 April 2023
    step(candidate, Kind.CONTACT, D(2023, 4, 10), person=voters[0])
    errors = refused(candidate, Kind.CANDIDATE, D(2024, 4, 9))
    assert "at least a year as an activist" in errors["happened_on"][0]
    assert "10, 2024" in errors["happened_on"][0] or "2024" in errors["happened_on"][0]
    step(candidate, Kind.CANDIDATE, D(2024, 4, 10))
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.development_on) == ("development", D(2024, 4, 10))


def test_committee_review_needs_two_introducers_and_enough_training(branch, voters):
    candidate = apply(branch)
    to_development(candidate, voters)
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[0])
    step(candidate, Kind.POLITICAL_REVIEW, D(2024, 5, 1))
    step(candidate, Kind.TRAINING, D(2024, 5, 10), training_days=2, training_hours=16)
    assert "Two introducers" in refused(candidate, Kind.COMMITTEE_REVIEW, D(2024, 5, 20))["kind"][0]
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[1])
    errors = refused(candidate, Kind.COMMITTEE_REVIEW, D(2024, 5, 20))
    assert "2 days, 16 hours" in errors["kind"][0]
    step(candidate, Kind.TRAINING, D(2024, 5, 12), training_hours=8)  # 24 hours in all
    assert step(candidate, Kind.COMMITTEE_REVIEW, D(2024, 5, 20)).pk


def test_the_vote_is_a_valid_admission_decision_of_the_branch_on_its_day(branch, voters):
    candidate = apply(branch)
    to_development(candidate, voters)
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[0])
    step(candidate, Kind.INTRODUCER, D(2024, 4, 15), person=voters[1])
    step(candidate, Kind.POLITICAL_REVIEW, D(2024, 5, 1))
    step(candidate, Kind.TRAINING, D(2024, 5, 10), training_days=3)
    step(candidate, Kind.COMMITTEE_REVIEW, D(2024, 5, 20))
    step(candidate, Kind.PRE_REVIEW, D(2024, 6, 1))
    step(candidate, Kind.APPLICATION_FORM, D(2024, 6, 5))
    meeting = D(2024, 6, 20)
    invalid = member_decision_record(
        branch=branch,
        held_on=meeting,
        kind=MemberDecision.Kind.ADMISSION,
        subject_name="王建国",
        present=voters[:2],
        in_favour=2,
    )
    errors = refused(candidate, Kind.ADMISSION_VOTE, meeting, decision=invalid)
    assert "not valid" in errors["decision"][0]
    valid = decision(branch, voters, meeting)
    errors = refused(candidate, Kind.ADMISSION_VOTE, D(2024, 6, 21), decision=valid)
    assert "give that date" in errors["happened_on"][0]
    step(candidate, Kind.ADMISSION_VOTE, meeting, decision=valid)
    candidate.refresh_from_db()
    assert candidate.meeting_on == meeting
    due = recruitment.next_due(candidate, {Kind.ADMISSION_VOTE}, D(2024, 7, 1))
    assert (due.on, due.kind) == (D(2024, 9, 20), "due")


def test_the_approval_not_before_the_meeting_and_six_months_at_most(branch, voters):
    candidate = apply(branch)
    to_vote(candidate, branch, voters)  # meeting on 20 June 2024
    errors = refused(candidate, Kind.ADMISSION_APPROVAL, D(2024, 6, 19))
    assert "before the branch general meeting" in errors["happened_on"][0]
    errors = refused(candidate, Kind.ADMISSION_APPROVAL, D(2024, 12, 21))
    assert "six months" in errors["happened_on"][0]
    assert not Member.objects.filter(id_number=candidate.id_number).exists()  # nothing half-saved
    step(candidate, Kind.ADMISSION_APPROVAL, D(2024, 12, 20))  # late, within the limit
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.PROBATIONARY


# Promotion ---------------------------------------------------------------------------------------


def test_the_approval_makes_the_candidate_a_member_without_retyping(branch, voters):
    candidate = admitted(apply(branch), branch, voters)
    member = candidate.member
    assert (member.name, member.id_number, member.phone, member.birth_date, member.gender) == (
        candidate.name,
        candidate.id_number,
        candidate.phone,
        candidate.birth_date,
        candidate.gender,
    )
    assert (member.employer_name, member.job) == ("南通一建", "钢筋工")
    assert member.standing == Member.Standing.PROBATIONARY
    assert member.joined_party_on == D(2024, 6, 20)  # the branch general meeting
    assert member.relation_state == Member.RelationState.IN_BRANCH
    participation = member.participations.get()
    assert (participation.branch, participation.joined_on) == (branch, D(2024, 8, 1))
    assert candidate.probation_ends_on == D(2025, 6, 20)
    assert MemberDecision.objects.get(kind="admission").member == member
    assert member.history.count() == 1


def test_joining_a_party_group_keeps_the_participation_history(branch, voters):
    candidate = admitted(apply(branch), branch, voters)
    group = PartyGroupFactory(branch=branch)
    step(candidate, Kind.PARTY_GROUP, D(2024, 8, 10), party_group=group)
    participations = list(candidate.member.participations.order_by("joined_on"))
    assert [(p.party_group, p.left_on) for p in participations] == [
        (None, D(2024, 8, 10)),
        (group, None),
    ]


def test_a_year_of_probation_from_the_meeting_then_the_vote_and_full_membership(branch, voters):
    candidate = admitted(apply(branch), branch, voters)
    member = candidate.member
    step(candidate, Kind.OATH, D(2024, 8, 5))
    step(candidate, Kind.FULL_APPLICATION, D(2025, 5, 20))
    early = decision(
        branch, voters, D(2025, 6, 19), kind=MemberDecision.Kind.FULL_MEMBERSHIP, member=member
    )
    errors = refused(candidate, Kind.FULL_VOTE, D(2025, 6, 19), decision=early)
    assert "probation has ended" in errors["happened_on"][0]
    vote = decision(
        branch, voters, D(2025, 6, 20), kind=MemberDecision.Kind.FULL_MEMBERSHIP, member=member
    )
    step(candidate, Kind.FULL_VOTE, D(2025, 6, 20), decision=vote)
    step(candidate, Kind.FULL_APPROVAL, D(2025, 7, 1))
    candidate.refresh_from_db()
    member.refresh_from_db()
    assert candidate.stage == Candidate.Stage.FULL
    assert (member.standing, member.full_member_on) == (Member.Standing.FULL, D(2025, 6, 20))
    standings = list(member.history.order_by("history_date").values_list("standing", flat=True))
    assert standings == ["probationary", "full"]  # the change kept in the history
    step(candidate, Kind.ARCHIVED, D(2025, 7, 10))
    candidate.refresh_from_db()
    assert candidate.archived_on == D(2025, 7, 10)


def test_probation_extended_once_by_a_year_at_most(branch, voters):
    candidate = admitted(apply(branch), branch, voters)  # probation ends on 20 June 2025
    errors = refused(candidate, Kind.EXTENSION, D(2025, 6, 10), extended_until=D(2026, 6, 21))
    assert "a year at most" in errors["extended_until"][0]
    errors = refused(candidate, Kind.EXTENSION, D(2025, 6, 21), extended_until=D(2026, 1, 1))
    assert "can no longer be extended" in errors["happened_on"][0]
    step(candidate, Kind.EXTENSION, D(2025, 6, 10), extended_until=D(2026, 6, 20))
    candidate.refresh_from_db()
    assert candidate.probation_ends_on == D(2026, 6, 20)
    errors = refused(candidate, Kind.EXTENSION, D(2025, 6, 11), extended_until=D(2026, 3, 1))
    assert "recorded already" in errors["kind"][0]
    step(candidate, Kind.FULL_APPLICATION, D(2026, 5, 20))
    vote = decision(
        branch,
        voters,
        D(2025, 6, 20),
        kind=MemberDecision.Kind.FULL_MEMBERSHIP,
        member=candidate.member,
    )
    errors = refused(candidate, Kind.FULL_VOTE, D(2025, 6, 20), decision=vote)
    assert "probation has ended" in errors["happened_on"][0]


def test_a_second_vote_cannot_reuse_a_decision(branch, voters):
    first = apply(branch)
    to_vote(first, branch, voters)
    second = apply(branch, n=2)
    vote = first.steps.get(kind=Kind.ADMISSION_VOTE).decision
    to_development(second, voters)
    for n in (0, 1):
        step(second, Kind.INTRODUCER, D(2024, 4, 15), person=voters[n])
    for kind, day in (
        (Kind.POLITICAL_REVIEW, D(2024, 5, 1)),
        (Kind.COMMITTEE_REVIEW, D(2024, 5, 20)),
    ):
        if kind == Kind.COMMITTEE_REVIEW:
            step(second, Kind.TRAINING, D(2024, 5, 10), training_hours=24)
        step(second, kind, day)
    step(second, Kind.PRE_REVIEW, D(2024, 6, 1))
    step(second, Kind.APPLICATION_FORM, D(2024, 6, 5))
    errors = refused(second, Kind.ADMISSION_VOTE, D(2024, 6, 20), decision=vote)
    assert "another candidate" in errors["decision"][0]


# Deadlines ---------------------------------------------------------------------------------------


def test_deadlines_for_the_reminders(branch, voters):
    talk = apply(branch, on=D(2023, 1, 31))
    probation = admitted(apply(branch, n=2), branch, voters)
    found = {
        (d.candidate.pk, d.event, d.due_on) for d in recruitment.deadlines(horizon=D(2023, 2, 28))
    }
    assert found == {(talk.pk, "talk_due", D(2023, 2, 28))}
    assert not recruitment.deadlines(horizon=D(2023, 2, 27))
    found = {(d.candidate.pk, d.event) for d in recruitment.deadlines(horizon=D(2025, 6, 20))}
    assert (probation.pk, "probation_ending") in found


def test_the_deadlines_arrive_as_reminders_once(branch, voters, secretary, street_staff):
    from assessments import reminders
    from assessments.models import Notification

    secretary.seats.update(started_on=D(2020, 1, 1))
    talk = apply(branch, on=D(2023, 1, 31))  # talk due on 28 February 2023
    probation = admitted(apply(branch, n=2), branch, voters)  # probation ends 20 June 2025
    reminders.sweep(today=D(2023, 2, 22))
    talk_reminders = Notification.objects.filter(event="recruiting_talk_due")
    assert [(n.recipient, n.stage) for n in talk_reminders] == [(secretary, "7d")]
    assert talk_reminders.get().url == talk.get_absolute_url()
    reminders.sweep(today=D(2023, 2, 22))
    assert talk_reminders.count() == 1  # claimed once
    reminders.sweep(today=D(2025, 5, 25))
    ending = Notification.objects.get(event="recruiting_probation_ending")
    assert (ending.recipient, ending.stage) == (secretary, "1m")
    assert probation.name in ending.title


def test_the_full_membership_approval_is_due_three_months_after_its_vote(branch, voters):
    candidate = admitted(apply(branch), branch, voters)
    step(candidate, Kind.FULL_APPLICATION, D(2025, 5, 20))
    vote = decision(
        branch,
        voters,
        D(2025, 6, 30),
        kind=MemberDecision.Kind.FULL_MEMBERSHIP,
        member=candidate.member,
    )
    step(candidate, Kind.FULL_VOTE, D(2025, 6, 30), decision=vote)
    found = {(d.event, d.due_on) for d in recruitment.deadlines(horizon=D(2025, 9, 30))}
    assert found == {("full_approval_due", D(2025, 9, 30))}
    assert not recruitment.deadlines(horizon=D(2025, 9, 29))
    errors = refused(candidate, Kind.FULL_APPROVAL, D(2025, 12, 31))  # beyond six months
    assert "six months" in errors["happened_on"][0]


# Ending a candidacy ------------------------------------------------------------------------------


def test_an_ended_candidacy_keeps_its_steps_and_leaves_the_stages_and_the_reminders(
    branch, voters, secretary
):
    from assessments import reminders
    from assessments.models import Notification

    secretary.seats.update(started_on=D(2020, 1, 1))
    leaving = apply(branch, on=D(2023, 1, 31))  # talk due on 28 February 2023
    staying = apply(branch, n=2, on=D(2023, 1, 31))
    step(leaving, Kind.TALK, D(2023, 2, 10))
    with pytest.raises(ValidationError) as error:  # not before the last step
        recruitment.candidacy_end(
            candidate=leaving, ended_on=D(2023, 2, 9), reason=Candidate.EndReason.LEFT_SITE
        )
    assert "2023" in error.value.message_dict["ended_on"][0]
    recruitment.candidacy_end(
        candidate=leaving,
        ended_on=D(2023, 2, 15),
        reason=Candidate.EndReason.LEFT_SITE,
        note="调往外地项目",
        actor=secretary,
    )
    leaving.refresh_from_db()
    assert (leaving.ended_on, leaving.end_reason, leaving.ended_by) == (
        D(2023, 2, 15),
        "left_site",
        secretary,
    )
    assert leaving.stage == Candidate.Stage.APPLICANT  # the stage reached is kept
    assert [s.kind for s in leaving.steps.order_by("happened_on")] == [Kind.APPLICATION, Kind.TALK]
    assert list(recruitment.candidates_of_branch(branch=branch)) == [staying]
    assert list(recruitment.candidates_of_branch(branch=branch, ended=True)) == [leaving]
    assert len(recruitment.candidates_of_branch(branch=branch, ended=None)) == 2
    assert recruitment.stage_counts(branches=[branch])[branch.pk]["applicant"] == 1
    # No step any more, no deadline, no reminder.
    with pytest.raises(ValidationError) as error:
        step(leaving, Kind.RECOMMENDATION, D(2023, 2, 20))
    assert "ended" in error.value.messages[0]
    apply_2 = {d.candidate.pk for d in recruitment.deadlines(horizon=D(2023, 3, 31))}
    assert apply_2 == {staying.pk}
    reminders.sweep(today=D(2023, 2, 22))
    talk_reminders = Notification.objects.filter(event="recruiting_talk_due")
    assert [n.url for n in talk_reminders] == [staying.get_absolute_url()]
    with pytest.raises(ValidationError) as error:  # once is enough
        recruitment.candidacy_end(
            candidate=leaving, ended_on=D(2023, 3, 1), reason=Candidate.EndReason.WITHDREW
        )
    assert "already" in error.value.messages[0]


def test_a_member_admitted_through_the_portal_leaves_as_a_member_not_by_ending_the_candidacy(
    branch, voters
):
    candidate = admitted(apply(branch), branch, voters)
    with pytest.raises(ValidationError) as error:
        recruitment.candidacy_end(
            candidate=candidate, ended_on=D(2024, 9, 1), reason=Candidate.EndReason.WITHDREW
        )
    assert "member's page" in error.value.messages[0]
    candidate.refresh_from_db()
    assert candidate.ended_on is None


def test_a_candidacy_ends_with_a_known_reason_and_not_in_the_future(branch):
    candidate = apply(branch)
    with pytest.raises(ValidationError) as error:
        recruitment.candidacy_end(candidate=candidate, ended_on=D(2023, 5, 1), reason="bored")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        recruitment.candidacy_end(
            candidate=candidate,
            ended_on=datetime.date.today() + datetime.timedelta(days=5),
            reason=Candidate.EndReason.NOT_ADMITTED,
        )
    assert "ended_on" in error.value.message_dict


def test_the_workbenchs_counts_agree_with_the_deadlines_on_every_day_around_month_ends(
    branch,
):
    """The counts turn the rules' dates into bounds on the stored dates: on each day of a
    quarter they say what the list of deadlines says (a month after 31 January is 28 February)."""
    from members.tests.factories import make_candidate

    n = 0
    for day in (D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1)):
        n += 1
        make_candidate(branch, n, applied_on=day)  # a talk due a month later
        n += 1
        make_candidate(
            branch, n, applied_on=D(2023, 1, 1), stage="development", meeting_on=day
        )  # the approval due three months later
        n += 1
        make_candidate(
            branch,
            n,
            applied_on=D(2022, 1, 1),
            stage="probationary",
            meeting_on=day - datetime.timedelta(days=365),
            probation_ends_on=day + datetime.timedelta(days=40),
        )
    voted = make_candidate(
        branch,
        99,
        applied_on=D(2022, 1, 1),
        stage="probationary",
        meeting_on=D(2024, 1, 30),
        probation_ends_on=D(2025, 1, 30),
    )
    CandidateStep.objects.create(candidate=voted, kind=Kind.FULL_VOTE, happened_on=D(2025, 1, 31))
    make_candidate(
        branch, 98, applied_on=D(2025, 1, 30), ended_on=D(2025, 2, 2), end_reason="withdrew"
    )
    candidates = Candidate.objects.filter(branch=branch)
    day, seen = D(2025, 1, 20), set()
    while day <= D(2025, 6, 10):
        horizon = day + relativedelta(months=1)
        listed = [d.due_on for d in recruitment.deadlines(horizon=horizon)]
        expected = (sum(1 for on in listed if day <= on), sum(1 for on in listed if on < day))
        counts = recruitment.deadline_counts(candidates=candidates, today=day)
        assert (counts.due, counts.overdue) == expected, day
        seen.add(expected)
        day += datetime.timedelta(days=1)
    assert len(seen) > 10  # the counts move through many values
