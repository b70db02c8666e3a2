"""The Party's rules on branches and their votes, as plain arithmetic on counts (支部工作条例
2018, 基层组织选举工作条例, 发展党员工作细则 2014). Integers only: "more than four fifths" is
5 × present > 4 × entitled, never a rounded fraction."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

COMMITTEE_FROM = 7  # full members from which a branch elects a committee
COMMITTEE_SEATS = (3, 7)  # 3 to 5 as a rule, up to 7
SMALL_BRANCH_SEATS = (1, 2)  # a secretary, and possibly a deputy
TERM_YEARS = (3, 5)
FEWEST_FULL_MEMBERS = 3  # three full members form a branch
MOST_MEMBERS = 50  # above this, Party groups or a general branch
PROJECT_MONTHS = 6  # a project running this long with three full members on site needs a branch
REMIND_MONTHS = (6, 1)


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reasons: tuple[str, ...] = ()


def election_quorum(*, entitled: int, present: int) -> Verdict:
    """Valid only if more than four fifths of those entitled to vote attend."""
    if entitled <= 0:
        return Verdict(False, (_("Nobody is entitled to vote: the branch has no full member."),))
    if 5 * present > 4 * entitled:
        return Verdict(True)
    needed = 4 * entitled // 5 + 1
    return Verdict(
        False,
        (
            _(
                "Only %(present)s of the %(entitled)s members entitled to vote attended: more "
                "than four fifths, at least %(needed)s, must attend."
            )
            % {"present": present, "entitled": entitled, "needed": needed},
        ),
    )


def is_elected(*, votes: int, present: int) -> bool:
    """Elected when more than half of those present voted for the candidate."""
    return 2 * votes > present


def fewest_candidates(seats: int) -> int:
    """A contested election has at least 20% more candidates than seats."""
    return -(-seats * 6 // 5)  # ceil(1.2 × seats)


def seats_allowed(full_members: int) -> tuple[int, int]:
    return COMMITTEE_SEATS if full_members >= COMMITTEE_FROM else SMALL_BRANCH_SEATS


def member_decision(*, entitled: int, present: int, in_favour: int) -> Verdict:
    """A branch general meeting's decision on a member: more than half of those entitled
    present, and more than half of the full members (those entitled) in favour."""
    reasons = []
    if not 2 * present > entitled:
        reasons.append(
            _(
                "Only %(present)s of the %(entitled)s members entitled to vote attended: more "
                "than half, at least %(needed)s, must attend."
            )
            % {"present": present, "entitled": entitled, "needed": entitled // 2 + 1}
        )
    if not 2 * in_favour > entitled:
        reasons.append(
            _(
                "Only %(votes)s voted in favour: more than half of the %(entitled)s full "
                "members, at least %(needed)s, must be in favour."
            )
            % {"votes": in_favour, "entitled": entitled, "needed": entitled // 2 + 1}
        )
    return Verdict(not reasons, tuple(reasons))


def setup_problems(*, full_members: int, members: int) -> list[str]:
    """Why a branch does not meet the set-up rules (empty when it does)."""
    problems = []
    if full_members < FEWEST_FULL_MEMBERS:
        problems.append(
            _("Fewer than three full members (%(count)s): three are needed to form a branch.")
            % {"count": full_members}
        )
    if members > MOST_MEMBERS:
        problems.append(
            _(
                "More than 50 members (%(count)s): the rules call for Party groups or a general "
                "branch."
            )
            % {"count": members}
        )
    return problems


def term_end(started_on: datetime.date, years: int) -> datetime.date:
    return started_on + relativedelta(years=years)


def term_reminder_stage(ends_on: datetime.date, today: datetime.date) -> str | None:
    """ "expired", "1m" (within a month), "6m" (within six months) or None."""
    if ends_on <= today:
        return "expired"
    if ends_on <= today + relativedelta(months=1):
        return "1m"
    if ends_on <= today + relativedelta(months=6):
        return "6m"
    return None


def runs_long_enough(start: datetime.date, end: datetime.date) -> bool:
    return end >= start + relativedelta(months=PROJECT_MONTHS)


# Recruiting members (发展党员工作细则 2014) ------------------------------------------------------
# Dates by the calendar: "a month after 31 January" is the last day of February, "a year after
# 29 February" is 28 February of the next year (relativedelta keeps to the month's last day).

APPLICANT_AGE = 18
TALK_WITHIN_MONTHS = 1
ACTIVIST_YEARS = 1
TRAINING_DAYS = 3
TRAINING_HOURS = 24
APPROVAL_DUE_MONTHS = 3
APPROVAL_LATEST_MONTHS = 6
PROBATION_YEARS = 1
EXTENSION_MOST_YEARS = 1


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of age on `day` (周岁)."""
    return relativedelta(day, birth_date).years


def old_enough_to_apply(birth_date: datetime.date, applied_on: datetime.date) -> bool:
    return age_on(birth_date, applied_on) >= APPLICANT_AGE


def talk_due(applied_on: datetime.date) -> datetime.date:
    """The Party organisation talks with the applicant within a month of the application."""
    return applied_on + relativedelta(months=TALK_WITHIN_MONTHS)


def earliest_candidate_on(activist_on: datetime.date) -> datetime.date:
    """A development candidate after at least a year as an activist."""
    return activist_on + relativedelta(years=ACTIVIST_YEARS)


def training_enough(*, days: int, hours: int) -> bool:
    """Concentrated training of at least three days or 24 class hours."""
    return days >= TRAINING_DAYS or hours >= TRAINING_HOURS


def approval_due(meeting_on: datetime.date) -> datetime.date:
    """The higher committee approves within three months of the branch general meeting."""
    return meeting_on + relativedelta(months=APPROVAL_DUE_MONTHS)


def approval_latest(meeting_on: datetime.date) -> datetime.date:
    """… and six months at the very most."""
    return meeting_on + relativedelta(months=APPROVAL_LATEST_MONTHS)


def probation_end(meeting_on: datetime.date) -> datetime.date:
    """A year of probation counted from the branch general meeting that admitted the member."""
    return meeting_on + relativedelta(years=PROBATION_YEARS)


def extension_latest(probation_ends_on: datetime.date) -> datetime.date:
    """Probation is extended once, by at most a year."""
    return probation_ends_on + relativedelta(years=EXTENSION_MOST_YEARS)
