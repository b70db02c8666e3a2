"""The Party's rules on votes, committees and terms, with numbers worked by hand."""

import datetime

import pytest
from django.utils import translation

from core import party_rules as rules


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are compared in their English source (the pages speak Chinese)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("entitled", "present", "valid"),
    [
        (10, 9, True),  # 9/10 = 90% > 80%
        (10, 8, False),  # 8/10 = 80%: exactly four fifths is not more than four fifths
        (5, 5, True),  # 4/5 would be exactly 80%: all five must attend
        (5, 4, False),
        (7, 6, True),  # 6/7 = 85.7%
        (7, 5, False),  # 5/7 = 71.4%
        (12, 10, True),  # 10/12 = 83.3%
        (12, 9, False),  # 9/12 = 75%
        (0, 0, False),
    ],
)
def test_election_is_valid_with_more_than_four_fifths_present(entitled, present, valid):
    assert rules.election_quorum(entitled=entitled, present=present).valid is valid


def test_an_election_short_of_quorum_says_how_many_must_attend():
    verdict = rules.election_quorum(entitled=10, present=8)
    assert verdict.reasons == (
        "Only 8 of the 10 members entitled to vote attended: more than four fifths, at least 9, "
        "must attend.",
    )


@pytest.mark.parametrize(
    ("votes", "present", "elected"),
    [(5, 9, True), (4, 9, False), (6, 10, True), (5, 10, False), (1, 1, True), (0, 1, False)],
)
def test_a_candidate_needs_more_than_half_of_those_present(votes, present, elected):
    assert rules.is_elected(votes=votes, present=present) is elected


@pytest.mark.parametrize(
    ("seats", "fewest"),
    [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 8), (7, 9)],  # ceil(1.2 × seats)
)
def test_a_contested_election_has_at_least_a_fifth_more_candidates(seats, fewest):
    assert rules.fewest_candidates(seats) == fewest


@pytest.mark.parametrize(
    ("full_members", "allowed"), [(6, (1, 2)), (7, (3, 7)), (30, (3, 7)), (3, (1, 2))]
)
def test_a_committee_from_seven_full_members(full_members, allowed):
    assert rules.seats_allowed(full_members) == allowed


@pytest.mark.parametrize(
    ("entitled", "present", "in_favour", "valid", "reasons"),
    [
        (10, 6, 6, True, 0),
        (10, 5, 5, False, 2),  # half present is not more than half; 5 of 10 in favour neither
        (10, 9, 5, False, 1),  # quorate, but 5 in favour is not more than half of the 10
        (10, 9, 6, True, 0),
        (7, 4, 4, True, 0),
        (7, 4, 3, False, 1),
    ],
)
def test_a_decision_on_a_member(entitled, present, in_favour, valid, reasons):
    verdict = rules.member_decision(entitled=entitled, present=present, in_favour=in_favour)
    assert verdict.valid is valid
    assert len(verdict.reasons) == reasons


def test_a_decision_says_why_it_is_not_valid():
    verdict = rules.member_decision(entitled=10, present=9, in_favour=5)
    assert verdict.reasons == (
        "Only 5 voted in favour: more than half of the 10 full members, at least 6, must be in "
        "favour.",
    )


@pytest.mark.parametrize(
    ("full", "members", "problems"),
    [(3, 3, 0), (2, 2, 1), (3, 50, 0), (3, 51, 1), (2, 51, 2), (0, 0, 1)],
)
def test_set_up_problems(full, members, problems):
    assert len(rules.setup_problems(full_members=full, members=members)) == problems


def test_a_term_ends_three_or_five_years_on():
    assert rules.term_end(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)
    assert rules.term_end(datetime.date(2023, 6, 1), 5) == datetime.date(2028, 6, 1)


@pytest.mark.parametrize(
    ("ends_on", "stage"),
    [
        (datetime.date(2026, 12, 31), None),  # a day more than six months ahead
        (datetime.date(2026, 12, 30), "6m"),
        (datetime.date(2026, 7, 31), "6m"),
        (datetime.date(2026, 7, 30), "1m"),
        (datetime.date(2026, 7, 1), "1m"),
        (datetime.date(2026, 6, 30), "expired"),
        (datetime.date(2025, 1, 1), "expired"),
    ],
)
def test_term_reminder_stages(ends_on, stage):
    assert rules.term_reminder_stage(ends_on, datetime.date(2026, 6, 30)) == stage


def test_a_project_runs_six_months():
    start = datetime.date(2026, 1, 31)
    assert rules.runs_long_enough(start, datetime.date(2026, 7, 31))
    assert not rules.runs_long_enough(start, datetime.date(2026, 7, 30))


# Recruiting members: the dates worked by hand ---------------------------------------------------

D = datetime.date


@pytest.mark.parametrize(
    ("birth", "applied", "age", "may_apply"),
    [
        (D(2008, 3, 1), D(2026, 3, 1), 18, True),  # the 18th birthday itself
        (D(2008, 3, 1), D(2026, 2, 28), 17, False),  # the day before
        (D(2008, 2, 29), D(2026, 2, 28), 18, True),  # born on 29 Feb: 18 on 28 Feb of 2026
        (D(2008, 2, 29), D(2026, 2, 27), 17, False),
        (D(2008, 2, 29), D(2028, 2, 28), 19, True),  # 20 only on the leap day of 2028
        (D(1990, 12, 31), D(2008, 12, 30), 17, False),
        (D(1990, 12, 31), D(2008, 12, 31), 18, True),
    ],
)
def test_an_applicant_is_at_least_eighteen_on_the_day(birth, applied, age, may_apply):
    assert rules.age_on(birth, applied) == age
    assert rules.old_enough_to_apply(birth, applied) is may_apply


@pytest.mark.parametrize(
    ("applied", "due"),
    [
        (D(2026, 3, 10), D(2026, 4, 10)),
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2026, 12, 15), D(2027, 1, 15)),  # across the year
        (D(2026, 3, 31), D(2026, 4, 30)),
    ],
)
def test_the_talk_is_due_within_a_month_of_the_application(applied, due):
    assert rules.talk_due(applied) == due


@pytest.mark.parametrize(
    ("activist", "earliest"),
    [
        (D(2025, 5, 20), D(2026, 5, 20)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # a year after a leap day
        (D(2027, 3, 1), D(2028, 3, 1)),  # across a leap day: still the same date
    ],
)
def test_a_development_candidate_after_a_year_as_activist(activist, earliest):
    assert rules.earliest_candidate_on(activist) == earliest


@pytest.mark.parametrize(
    ("days", "hours", "enough"),
    [(3, 0, True), (2, 23, False), (0, 24, True), (2, 24, True), (0, 0, False), (3, 12, True)],
)
def test_training_of_three_days_or_twenty_four_hours(days, hours, enough):
    assert rules.training_enough(days=days, hours=hours) is enough


@pytest.mark.parametrize(
    ("meeting", "due", "latest"),
    [
        (D(2026, 1, 15), D(2026, 4, 15), D(2026, 7, 15)),
        (D(2025, 11, 30), D(2026, 2, 28), D(2026, 5, 30)),  # 30 Feb does not exist
        (D(2027, 11, 30), D(2028, 2, 29), D(2028, 5, 30)),  # leap year
        (D(2026, 8, 31), D(2026, 11, 30), D(2027, 2, 28)),
    ],
)
def test_the_approval_within_three_months_six_at_most(meeting, due, latest):
    assert rules.approval_due(meeting) == due
    assert rules.approval_latest(meeting) == latest


@pytest.mark.parametrize(
    ("meeting", "ends", "extended_at_most"),
    [
        (D(2025, 7, 1), D(2026, 7, 1), D(2027, 7, 1)),
        (D(2024, 2, 29), D(2025, 2, 28), D(2026, 2, 28)),  # admitted on a leap day
        (D(2027, 2, 28), D(2028, 2, 28), D(2029, 2, 28)),
    ],
)
def test_a_year_of_probation_from_the_meeting_extended_by_a_year_at_most(
    meeting, ends, extended_at_most
):
    assert rules.probation_end(meeting) == ends
    assert rules.extension_latest(ends) == extended_at_most
