"""Elections of branch committees and the branch general meeting's decisions on members: the
writes (recorded, then appointed) and the reads. The rules themselves are core.party_rules; the
seats and terms an election fills are opened through branches.services."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.access import forget_scope, get_in_scope_or_404, restrict
from branches import services as branch_services
from branches.models import Branch, Seat
from core import party_rules as rules
from core.services import create_once, refuse_future
from members.models import Election, ElectionCandidate, Member, MemberDecision


def entitled_voters(*, branch: Branch, on: datetime.date) -> QuerySet[Member]:
    """The members entitled to vote that day: full members (by then) active in the branch.
    Probationary members have no vote."""
    return (
        Member.objects.filter(
            standing=Member.Standing.FULL,
            full_member_on__lte=on,
            participations__branch=branch,
            participations__joined_on__lte=on,
        )
        .filter(Q(participations__left_on__isnull=True) | Q(participations__left_on__gt=on))
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class Outcome:
    candidate: ElectionCandidate
    status: str  # "elected", "not_elected", "tie"


def election_outcome(election: Election) -> list[Outcome]:
    """Each candidate's result: more than half of those present elects, the most votes first;
    if more reach it than there are seats, those tied at the last seat need another round."""
    candidates = sorted(
        election.candidates.select_related("member"), key=lambda c: (-c.votes, c.member.name)
    )
    cut = None
    passing = [
        c for c in candidates if rules.is_elected(votes=c.votes, present=election.present_count)
    ]
    elected = set()
    if len(passing) <= election.seats:
        elected = {c.pk for c in passing}
    else:
        cut = passing[election.seats - 1].votes
        above = [c for c in passing if c.votes > cut]
        at_cut = [c for c in passing if c.votes == cut]
        elected = {c.pk for c in above}
        if len(above) + len(at_cut) <= election.seats:
            elected |= {c.pk for c in at_cut}
    outcome = []
    for candidate in candidates:
        if candidate.pk in elected:
            status = "elected"
        elif candidate in passing and len(passing) > election.seats and candidate.votes == cut:
            status = "tie"
        else:
            status = "not_elected"
        outcome.append(Outcome(candidate, status))
    return outcome


def election_quorum(election: Election) -> rules.Verdict:
    return rules.election_quorum(entitled=election.entitled_count, present=election.present_count)


def _check_election(
    *,
    branch: Branch,
    held_on: datetime.date,
    seats: int,
    contested: bool,
    entitled: list[Member],
    present: list[Member],
    candidates: list[tuple[Member, int]],
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    low, high = rules.seats_allowed(len(entitled))
    if not low <= seats <= high:
        if len(entitled) >= rules.COMMITTEE_FROM:
            message = _(
                "A branch of %(count)s full members elects a committee of %(low)s to %(high)s."
            )
        else:
            message = _(
                "A branch of fewer than 7 full members (%(count)s) has no committee: it elects a "
                "secretary, and possibly a deputy (%(low)s to %(high)s seats)."
            )
        add("seats", message % {"count": len(entitled), "low": low, "high": high})
    entitled_ids = {m.pk for m in entitled}
    outsiders = [m.name for m in present if m.pk not in entitled_ids]
    if outsiders:
        add(
            "present",
            _("Not entitled to vote on %(date)s: %(names)s.")
            % {"date": held_on.isoformat(), "names": "、".join(outsiders)},
        )
    members = [member for member, _votes in candidates]
    if len({m.pk for m in members}) != len(members):
        add("candidates", _("A member is named twice among the candidates."))
    not_full = [m.name for m in members if m.pk not in entitled_ids]
    if not_full:
        add(
            "candidates",
            _("Only full members of the branch can stand: %(names)s.")
            % {"names": "、".join(not_full)},
        )
    if contested:
        needed = rules.fewest_candidates(seats)
        if len(candidates) < needed:
            add(
                "candidates",
                _(
                    "A contested election for %(seats)s seats needs at least %(needed)s "
                    "candidates (20%% more than the seats); %(count)s given."
                )
                % {"seats": seats, "needed": needed, "count": len(candidates)},
            )
    elif len(candidates) != seats:
        add(
            "candidates",
            _("An uncontested election has as many candidates as seats (%(seats)s).")
            % {"seats": seats},
        )
    over = [m.name for m, votes in candidates if votes > len(present)]
    if over:
        add(
            "candidates",
            _("More votes than members present (%(present)s): %(names)s.")
            % {"present": len(present), "names": "、".join(over)},
        )
    if errors:
        raise ValidationError(errors)


def election_record(
    *,
    branch: Branch,
    held_on: datetime.date,
    seats: int,
    contested: bool,
    term_years: int,
    present: list[Member],
    candidates: list[tuple[Member, int]],
    note: str = "",
    recorded_by=None,
    submission_token: uuid.UUID | None = None,
) -> Election:
    """Record an election as it happened, with who was entitled (worked out for that day) and
    who attended. An election short of its quorum is recorded too, marked invalid: it cannot be
    appointed from."""
    refuse_future(held_on=held_on)
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError(_("Elections are recorded only for an active branch."))
    if term_years not in rules.TERM_YEARS:
        raise ValidationError({"term_years": _("A term lasts 3 or 5 years.")})
    entitled = list(entitled_voters(branch=branch, on=held_on))
    _check_election(
        branch=branch,
        held_on=held_on,
        seats=seats,
        contested=contested,
        entitled=entitled,
        present=present,
        candidates=candidates,
    )

    def create() -> Election:
        election = Election(
            branch=branch,
            held_on=held_on,
            seats=seats,
            contested=contested,
            term_years=term_years,
            entitled_count=len(entitled),
            present_count=len(present),
            note=note,
            recorded_by=recorded_by,
            submission_token=submission_token,
        )
        election.full_clean()
        election.save()
        election.entitled.set(entitled)
        election.present.set(present)
        ElectionCandidate.objects.bulk_create(
            ElectionCandidate(election=election, member=member, votes=votes)
            for member, votes in candidates
        )
        return election

    return create_once(Election, submission_token, create)


@transaction.atomic
def election_appoint(
    *,
    election: Election,
    started_on: datetime.date,
    secretary: ElectionCandidate,
    deputy: ElectionCandidate | None = None,
    secretary_user=None,
) -> Election:
    """Appoint the result in one step: the branch's open seats end on that day, the elected
    take their seats (origin: election) and the new term begins. The secretary's seat gets the
    log-in chosen; another seat holder re-elected keeps theirs."""
    election = Election.objects.select_for_update().select_related("branch").get(pk=election.pk)
    branch = election.branch
    if election.appointed_on is not None:
        raise ValidationError(_("This election's result has already been appointed."))
    verdict = election_quorum(election)
    if not verdict.valid:
        raise ValidationError(list(verdict.reasons))
    refuse_future(started_on=started_on)
    if started_on < election.held_on:
        raise ValidationError({"started_on": _("The seats cannot begin before the election.")})
    elected = [o.candidate for o in election_outcome(election) if o.status == "elected"]
    elected_ids = {c.pk for c in elected}
    if not elected:
        raise ValidationError(_("Nobody was elected: there is nothing to appoint."))
    if secretary.pk not in elected_ids:
        raise ValidationError({"secretary": _("The secretary must be one of those elected.")})
    if deputy is not None and (deputy.pk not in elected_ids or deputy.pk == secretary.pk):
        raise ValidationError(
            {"deputy": _("The deputy must be another of those elected, not the secretary.")}
        )
    open_seats = list(branch.seats.filter(ended_on__isnull=True).select_related("user"))
    late = [seat for seat in open_seats if seat.started_on > started_on]
    if late:
        raise ValidationError(
            {
                "started_on": _("%(name)s's seat began after this date: choose a later one.")
                % {"name": late[0].holder_name}
            }
        )
    logins = {seat.holder_name: seat.user for seat in open_seats if seat.user_id}
    for seat in open_seats:
        branch_services.seat_end(seat=seat, ended_on=started_on)
    for candidate in elected:
        if candidate.pk == secretary.pk:
            kind = Seat.Kind.SECRETARY
        elif deputy is not None and candidate.pk == deputy.pk:
            kind = Seat.Kind.DEPUTY_SECRETARY
        else:
            kind = Seat.Kind.COMMITTEE_MEMBER
        user = secretary_user if kind == Seat.Kind.SECRETARY else logins.get(candidate.member.name)
        branch_services.seat_appoint(
            branch=branch,
            kind=kind,
            holder_name=candidate.member.name,
            origin=Seat.Origin.ELECTION,
            started_on=started_on,
            user=user,
        )
        if user is not None:
            forget_scope(user)
    election.term = branch_services.term_open(
        branch=branch, started_on=started_on, years=election.term_years
    )
    election.appointed_on = started_on
    election.save(update_fields=["term", "appointed_on"])
    return election


def elections_of_branch(*, branch: Branch) -> QuerySet[Election]:
    return branch.elections.order_by("-held_on", "-pk")


def election_get_for_user(*, user, pk: int) -> Election:
    return get_in_scope_or_404(
        Election.objects.select_related("branch", "term"), user, branch_path="branch_id", pk=pk
    )


# Decisions on members ----------------------------------------------------------------------------


def member_decision_verdict(decision: MemberDecision) -> rules.Verdict:
    return rules.member_decision(
        entitled=decision.entitled_count,
        present=decision.present_count,
        in_favour=decision.in_favour,
    )


def member_decision_record(
    *,
    branch: Branch,
    held_on: datetime.date,
    kind: str,
    subject_name: str,
    present: list[Member],
    in_favour: int,
    member: Member | None = None,
    recorded_by=None,
    submission_token: uuid.UUID | None = None,
) -> MemberDecision:
    """Record a branch general meeting's decision on a member, with who was entitled to vote and
    who attended. It is recorded even when not valid, and says why."""
    refuse_future(held_on=held_on)
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError(_("Decisions are recorded only for an active branch."))
    entitled = list(entitled_voters(branch=branch, on=held_on))
    entitled_ids = {m.pk for m in entitled}
    outsiders = [m.name for m in present if m.pk not in entitled_ids]
    if outsiders:
        raise ValidationError(
            {
                "present": _("Not entitled to vote on %(date)s: %(names)s.")
                % {"date": held_on.isoformat(), "names": "、".join(outsiders)}
            }
        )
    if in_favour > len(present):
        raise ValidationError(
            {
                "in_favour": _("More in favour than members present (%(present)s).")
                % {"present": len(present)}
            }
        )
    if kind == MemberDecision.Kind.FULL_MEMBERSHIP and member is None:
        raise ValidationError({"member": _("Choose the probationary member decided on.")})

    def create() -> MemberDecision:
        verdict = rules.member_decision(
            entitled=len(entitled), present=len(present), in_favour=in_favour
        )
        decision = MemberDecision(
            branch=branch,
            held_on=held_on,
            kind=kind,
            subject_name=subject_name or (member.name if member else ""),
            member=member,
            entitled_count=len(entitled),
            present_count=len(present),
            in_favour=in_favour,
            is_valid=verdict.valid,
            recorded_by=recorded_by,
            submission_token=submission_token,
        )
        decision.full_clean()
        decision.save()
        decision.entitled.set(entitled)
        decision.present.set(present)
        return decision

    return create_once(MemberDecision, submission_token, create)


def decisions_of_branch(*, branch: Branch) -> QuerySet[MemberDecision]:
    return branch.member_decisions.order_by("-held_on", "-pk")


def decision_get_for_user(*, user, pk: int) -> MemberDecision:
    return get_in_scope_or_404(
        MemberDecision.objects.select_related("branch", "member"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def branches_for_elections(*, user) -> QuerySet[Branch]:
    return restrict(
        Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("name"), user, branch_path="id"
    )
