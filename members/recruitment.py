"""Recruiting members (发展党员): a candidate's way from the application to full membership, step
by dated step, each refused when it comes before its legal minimum or out of order. The date
rules are core.party_rules; the votes are the branch general meeting's decisions
(members.elections); the approval of the admission makes the candidate a Member of the branch
(members.services.member_register) from the data entered with the application."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import get_in_scope_or_404, restrict
from branches.models import Branch, PartyGroup
from core import party_rules as rules
from core.services import create_once, refuse_future, save_revision
from members import services
from members.elections import entitled_voters
from members.models import Candidate, CandidateStep, Member, MemberDecision

Kind = CandidateStep.Kind
Stage = Candidate.Stage

STAGE_ORDER = list(Stage.values)

# The stage in which each step is recorded.
STEP_STAGES: dict[str, tuple[str, ...]] = {
    Kind.APPLICATION: (Stage.APPLICANT,),
    Kind.TALK: (Stage.APPLICANT,),
    Kind.RECOMMENDATION: (Stage.APPLICANT,),
    Kind.ACTIVIST: (Stage.APPLICANT,),
    Kind.CONTACT: (Stage.ACTIVIST, Stage.DEVELOPMENT),
    Kind.THOUGHT_REPORT: (Stage.ACTIVIST, Stage.DEVELOPMENT, Stage.PROBATIONARY),
    Kind.CANDIDATE: (Stage.ACTIVIST,),
    Kind.INTRODUCER: (Stage.DEVELOPMENT,),
    Kind.POLITICAL_REVIEW: (Stage.DEVELOPMENT,),
    Kind.TRAINING: (Stage.DEVELOPMENT,),
    Kind.COMMITTEE_REVIEW: (Stage.DEVELOPMENT,),
    Kind.PRE_REVIEW: (Stage.DEVELOPMENT,),
    Kind.APPLICATION_FORM: (Stage.DEVELOPMENT,),
    Kind.ADMISSION_VOTE: (Stage.DEVELOPMENT,),
    Kind.HIGHER_TALK: (Stage.DEVELOPMENT,),
    Kind.ADMISSION_APPROVAL: (Stage.DEVELOPMENT,),
    Kind.PARTY_GROUP: (Stage.PROBATIONARY,),
    Kind.OATH: (Stage.PROBATIONARY,),
    Kind.EXTENSION: (Stage.PROBATIONARY,),
    Kind.FULL_APPLICATION: (Stage.PROBATIONARY,),
    Kind.FULL_VOTE: (Stage.PROBATIONARY,),
    Kind.FULL_APPROVAL: (Stage.PROBATIONARY,),
    Kind.ARCHIVED: (Stage.FULL,),
}

# What must be recorded before a step.
REQUIRES: dict[str, tuple[str, ...]] = {
    Kind.ACTIVIST: (Kind.TALK, Kind.RECOMMENDATION),
    Kind.CANDIDATE: (Kind.CONTACT,),
    Kind.COMMITTEE_REVIEW: (Kind.INTRODUCER, Kind.POLITICAL_REVIEW, Kind.TRAINING),
    Kind.PRE_REVIEW: (Kind.COMMITTEE_REVIEW,),
    Kind.APPLICATION_FORM: (Kind.PRE_REVIEW,),
    Kind.ADMISSION_VOTE: (Kind.APPLICATION_FORM,),
    Kind.HIGHER_TALK: (Kind.ADMISSION_VOTE,),
    Kind.ADMISSION_APPROVAL: (Kind.HIGHER_TALK,),
    Kind.FULL_VOTE: (Kind.FULL_APPLICATION,),
    Kind.FULL_APPROVAL: (Kind.FULL_VOTE,),
}

# Steps recorded as many times as they happen; every other step happens once. Contacts: one or
# two; introducers: two.
REPEATABLE = {Kind.THOUGHT_REPORT: None, Kind.TRAINING: None, Kind.CONTACT: 2, Kind.INTRODUCER: 2}

# The steps that take the candidate into the next stage.
STAGE_AFTER = {
    Kind.ACTIVIST: Stage.ACTIVIST,
    Kind.CANDIDATE: Stage.DEVELOPMENT,
    Kind.ADMISSION_APPROVAL: Stage.PROBATIONARY,
    Kind.FULL_APPROVAL: Stage.FULL,
}

PERSON_STEPS = (Kind.CONTACT, Kind.INTRODUCER)
# The fields of the step form that a step needs beyond its date (the form shows only those).
STEP_FIELDS = {
    Kind.CONTACT: ["person"],
    Kind.INTRODUCER: ["person"],
    Kind.ADMISSION_VOTE: ["decision"],
    Kind.FULL_VOTE: ["decision"],
    Kind.PARTY_GROUP: ["party_group"],
    Kind.TRAINING: ["training_days", "training_hours"],
    Kind.EXTENSION: ["extended_until"],
}
DECISION_STEPS = {
    Kind.ADMISSION_VOTE: MemberDecision.Kind.ADMISSION,
    Kind.FULL_VOTE: MemberDecision.Kind.FULL_MEMBERSHIP,
}


def _day(value: datetime.date) -> str:
    return date_format(value)


# Reads ------------------------------------------------------------------------------------------


def candidates_for_user(*, user) -> QuerySet[Candidate]:
    return restrict(
        Candidate.objects.select_related("branch"), user, branch_path="branch_id"
    ).order_by("applied_on", "pk")


ENDED = "ended"  # the pipeline's filter of the candidacies that ended


def candidates_of_branch(
    *, branch: Branch, stage: str = "", ended: bool | None = False
) -> QuerySet[Candidate]:
    """A branch's candidates in the order they applied (the stage's tabs narrow it): those on
    their way (`ended=False`), those whose candidacy ended (`True`, the latest first), or all
    (`None`, for the ledger)."""
    queryset = branch.candidates.order_by("applied_on", "pk")
    if ended is not None:
        queryset = queryset.filter(ended_on__isnull=not ended)
    if ended:
        queryset = queryset.order_by("-ended_on", "-pk")
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset


def ended_count(*, branch: Branch) -> int:
    return branch.candidates.filter(ended_on__isnull=False).count()


def candidate_get_for_user(*, user, pk: int) -> Candidate:
    return get_in_scope_or_404(
        Candidate.objects.select_related("branch", "member", "employer_enterprise"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def candidacy_of(*, member: Member) -> Candidate | None:
    """The recruiting file of a member admitted through the portal (it follows the member)."""
    return Candidate.objects.filter(member=member).first()


def steps_of(candidate: Candidate) -> QuerySet[CandidateStep]:
    return candidate.steps.select_related("person", "decision", "party_group", "actor")


def stage_counts(*, branches: Iterable[Branch]) -> dict[int, dict[str, int]]:
    """Candidates per stage of each branch given (one query)."""
    ids = [branch.pk for branch in branches]
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(Stage.values, 0) for pk in ids}
    rows = (
        Candidate.objects.filter(branch_id__in=ids, ended_on__isnull=True)
        .values("branch_id", "stage")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["branch_id"]][row["stage"]] = row["count"]
    return counts


def street_branches(*, user) -> QuerySet[Branch]:
    """The branches on the street's recruiting page: those with candidates, or active."""
    return restrict(
        Branch.objects.filter(
            Q(status=Branch.Status.ACTIVE)
            | Q(pk__in=Candidate.objects.filter(ended_on__isnull=True).values("branch_id"))
        ),
        user,
        branch_path="id",
    ).order_by("name", "pk")


@dataclass(frozen=True)
class NextDue:
    text: str
    on: datetime.date | None = None
    # "due": to happen by `on`; "from": not before `on`; "" : no date.
    kind: str = ""
    overdue: bool = False


def next_due(candidate: Candidate, done: set[str], today: datetime.date) -> NextDue:
    """What the candidate's way needs next, with its deadline or its earliest date; nothing
    once the candidacy ended (the ledger says when and why)."""
    if candidate.ended_on is not None:
        return NextDue(
            _("Candidacy ended: %(reason)s") % {"reason": candidate.get_end_reason_display()},
            candidate.ended_on,
        )
    stage = candidate.stage
    if stage == Stage.APPLICANT:
        if Kind.TALK not in done:
            due = rules.talk_due(candidate.applied_on)
            return NextDue(_("Talk with the applicant"), due, "due", due < today)
        return NextDue(_("Recommendation and the decision to make them an activist"))
    if stage == Stage.ACTIVIST:
        earliest = rules.earliest_candidate_on(candidate.activist_on)
        if Kind.CONTACT not in done:
            return NextDue(_("Assign one or two training contacts"))
        return NextDue(_("Decision to make them a development candidate"), earliest, "from")
    if stage == Stage.DEVELOPMENT:
        if candidate.meeting_on:
            due = rules.approval_due(candidate.meeting_on)
            return NextDue(_("Approval by the higher committee"), due, "due", due < today)
        for kind in (
            Kind.INTRODUCER,
            Kind.POLITICAL_REVIEW,
            Kind.TRAINING,
            Kind.COMMITTEE_REVIEW,
            Kind.PRE_REVIEW,
            Kind.APPLICATION_FORM,
            Kind.ADMISSION_VOTE,
        ):
            if kind not in done:
                return NextDue(str(Kind(kind).label))
    if stage == Stage.PROBATIONARY:
        due = candidate.probation_ends_on
        if Kind.FULL_VOTE in done:
            return NextDue(_("Approval of the full membership"))
        return NextDue(_("Probation ends: vote on full membership"), due, "from")
    if stage == Stage.FULL and Kind.ARCHIVED not in done:
        return NextDue(_("Archive the file"))
    return NextDue("")


def dues_for_page(candidates: Iterable[Candidate], today: datetime.date) -> None:
    """Set `next` on each candidate of a page: the kinds of steps done are read in one query."""
    candidates = list(candidates)
    done: dict[int, set[str]] = {c.pk: set() for c in candidates}
    for candidate_id, kind in CandidateStep.objects.filter(candidate_id__in=list(done)).values_list(
        "candidate_id", "kind"
    ):
        done[candidate_id].add(kind)
    for candidate in candidates:
        candidate.next = next_due(candidate, done[candidate.pk], today)


def allowed_kinds(candidate: Candidate, steps: list[CandidateStep]) -> list[str]:
    """The steps the form offers now: of the candidate's stage, not yet recorded (or repeatable
    within their number), with what they require recorded."""
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.kind] = counts.get(step.kind, 0) + 1
    allowed = []
    for kind in Kind.values:
        if kind == Kind.APPLICATION or candidate.stage not in STEP_STAGES[kind]:
            continue
        if kind in REPEATABLE:
            most = REPEATABLE[kind]
            if most is not None and counts.get(kind, 0) >= most:
                continue
        elif counts.get(kind):
            continue
        if any(not counts.get(required) for required in REQUIRES.get(kind, ())):
            continue
        allowed.append(kind)
    return allowed


# Writes -----------------------------------------------------------------------------------------


def applicant_too_young(
    *, name: str, birth_date: datetime.date | None, applied_on: datetime.date
) -> str | None:
    """Why an application cannot be received on that day, if the applicant is under 18 then."""
    if birth_date is None:
        return None
    age = rules.age_on(birth_date, applied_on)
    if age >= rules.APPLICANT_AGE:
        return None
    return _(
        "An applicant must be at least 18 on the day they apply: by the ID "
        "number, %(name)s was %(age)s on %(date)s (18 on %(birthday)s)."
    ) % {
        "name": name,
        "age": age,
        "date": _day(applied_on),
        "birthday": _day(birth_date + relativedelta(years=rules.APPLICANT_AGE)),
    }


def candidate_apply(
    *,
    candidate: Candidate,
    branch: Branch,
    applied_on: datetime.date,
    actor=None,
    note: str = "",
    submission_token: uuid.UUID | None = None,
) -> Candidate:
    """Record an application (入党申请书) received by the branch: the applicant's personal data,
    entered once, and the first step. An applicant is at least 18 on the day they apply."""

    def create() -> Candidate:
        if branch.status != Branch.Status.ACTIVE:
            raise ValidationError({"branch": _("Applications are received by an active branch.")})
        candidate.branch = branch
        candidate.applied_on = applied_on
        candidate.stage = Stage.APPLICANT
        candidate.submission_token = submission_token
        candidate.take_identity_from_id_number()
        # Every problem is said at once (one round trip for the secretary): the date, the
        # personal data, the age and a member already recorded with the number.
        errors: dict = {}
        for check in (
            lambda: refuse_future(applied_on=applied_on),
            # Without a valid ID number there is no date of birth: the number's error says why.
            lambda: candidate.full_clean(
                exclude=["birth_date", "gender"] if candidate.birth_date is None else []
            ),
        ):
            try:
                check()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        too_young = applicant_too_young(
            name=candidate.name, birth_date=candidate.birth_date, applied_on=applied_on
        )
        if too_young and "applied_on" not in errors:
            errors["applied_on"] = [too_young]
        if (
            "id_number" not in errors
            and Member.objects.filter(id_number=candidate.id_number).exists()
        ):
            errors["id_number"] = [_("A member with this ID number is recorded already.")]
        if errors:
            raise ValidationError(errors)
        candidate.save()
        CandidateStep.objects.create(
            candidate=candidate,
            kind=Kind.APPLICATION,
            happened_on=applied_on,
            note=note,
            actor=actor,
        )
        return candidate

    return create_once(Candidate, submission_token, create)


def _full_member_of_branch(branch: Branch, person: Member | None, on: datetime.date) -> None:
    if person is None:
        raise ValidationError({"person": _("Choose the member.")})
    if not entitled_voters(branch=branch, on=on).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "person": _(
                    "%(name)s is not a full member of the branch on %(date)s: contacts and "
                    "introducers are full members."
                )
                % {"name": person.name, "date": _day(on)}
            }
        )


def _check_order(
    candidate: Candidate, steps: list[CandidateStep], kind: str, on: datetime.date
) -> None:
    label = Kind(kind).label
    if candidate.stage not in STEP_STAGES[kind]:
        raise ValidationError(
            {
                "kind": _("%(step)s is not a step of the stage %(stage)s.")
                % {"step": label, "stage": candidate.get_stage_display()}
            }
        )
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.kind] = counts.get(step.kind, 0) + 1
    if kind in REPEATABLE:
        most = REPEATABLE[kind]
        if most is not None and counts.get(kind, 0) >= most:
            raise ValidationError(
                {"kind": _("%(step)s: %(count)s at most.") % {"step": label, "count": most}}
            )
    elif counts.get(kind):
        raise ValidationError({"kind": _("%(step)s is recorded already.") % {"step": label}})
    missing = [Kind(r).label for r in REQUIRES.get(kind, ()) if not counts.get(r)]
    if missing:
        raise ValidationError(
            {"kind": _("Record first: %(steps)s.") % {"steps": "、".join(str(m) for m in missing)}}
        )


def _check_floor(
    candidate: Candidate, steps: list[CandidateStep], kind: str, on: datetime.date
) -> None:
    """Not before the stage began, nor before a step it follows."""
    last: dict[str, datetime.date] = {}
    for step in steps:
        last[step.kind] = max(step.happened_on, last.get(step.kind, step.happened_on))
    floors = [(candidate.applied_on, Kind.APPLICATION)]
    stage_start = {
        Stage.ACTIVIST: (candidate.activist_on, Kind.ACTIVIST),
        Stage.DEVELOPMENT: (candidate.development_on, Kind.CANDIDATE),
        Stage.PROBATIONARY: (candidate.admitted_on, Kind.ADMISSION_APPROVAL),
        Stage.FULL: (candidate.full_on, Kind.FULL_APPROVAL),
    }.get(candidate.stage)
    if stage_start and stage_start[0]:
        floors.append(stage_start)
    floors += [(last[r], r) for r in REQUIRES.get(kind, ()) if r in last]
    day, before = max(floors, key=lambda floor: floor[0])
    if on < day:
        raise ValidationError(
            {
                "happened_on": _("This is before %(step)s (%(date)s).")
                % {"step": Kind(before).label, "date": _day(day)}
            }
        )


@transaction.atomic
def step_record(
    *,
    candidate: Candidate,
    kind: str,
    happened_on: datetime.date,
    actor=None,
    done_by: str = "",
    note: str = "",
    person: Member | None = None,
    decision: MemberDecision | None = None,
    party_group: PartyGroup | None = None,
    training_days: int | None = None,
    training_hours: int | None = None,
    extended_until: datetime.date | None = None,
    submission_token: uuid.UUID | None = None,
) -> CandidateStep:
    """Record one step of the candidate's way, refused with the reason when it is out of order
    or before its legal minimum. The steps that end a stage move the candidate on; the approval
    of the admission makes them a member of the branch."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=candidate.pk)
    )
    # The same form sent twice (a double tap, a resend on a weak signal) records one step: the
    # candidate's lock makes the second sending wait for the first and find its step.
    if submission_token is not None:
        existing = CandidateStep.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    if candidate.is_ended:
        raise ValidationError(
            _("This candidacy ended on %(date)s: no step is recorded any more.")
            % {"date": _day(candidate.ended_on)}
        )
    if kind == Kind.APPLICATION:
        raise ValidationError({"kind": _("The application is recorded with the applicant.")})
    refuse_future(happened_on=happened_on)
    steps = list(candidate.steps.all())
    _check_order(candidate, steps, kind, happened_on)
    branch = candidate.branch
    step = CandidateStep(
        candidate=candidate,
        kind=kind,
        happened_on=happened_on,
        actor=actor,
        done_by=done_by,
        note=note,
        submission_token=submission_token,
    )

    if kind in PERSON_STEPS:
        _full_member_of_branch(branch, person, happened_on)
        if any(s.kind == kind and s.person_id == person.pk for s in steps):
            raise ValidationError({"person": _("%(name)s is named already.") % {"name": person}})
        step.person = person
    elif kind == Kind.CANDIDATE:
        earliest = rules.earliest_candidate_on(candidate.activist_on)
        if happened_on < earliest:
            raise ValidationError(
                {
                    "happened_on": _(
                        "A development candidate after at least a year as an activist: "
                        "%(name)s became an activist on %(since)s, so not before %(date)s."
                    )
                    % {
                        "name": candidate.name,
                        "since": _day(candidate.activist_on),
                        "date": _day(earliest),
                    }
                }
            )
    elif kind == Kind.TRAINING:
        if not (training_days or training_hours):
            raise ValidationError(
                {"training_days": _("Give the days or the class hours of the training.")}
            )
        step.training_days = training_days
        step.training_hours = training_hours
    elif kind == Kind.COMMITTEE_REVIEW:
        introducers = sum(1 for s in steps if s.kind == Kind.INTRODUCER)
        if introducers < 2:
            raise ValidationError(
                {"kind": _("Two introducers are needed; %(count)s named.") % {"count": introducers}}
            )
        days = sum(s.training_days or 0 for s in steps if s.kind == Kind.TRAINING)
        hours = sum(s.training_hours or 0 for s in steps if s.kind == Kind.TRAINING)
        if not rules.training_enough(days=days, hours=hours):
            raise ValidationError(
                {
                    "kind": _(
                        "Training of at least 3 days or 24 class hours comes first: "
                        "%(days)s days, %(hours)s hours recorded."
                    )
                    % {"days": days, "hours": hours}
                }
            )
    elif kind in DECISION_STEPS:
        _check_decision(candidate, kind, decision, happened_on)
        step.decision = decision
    elif kind in (Kind.ADMISSION_APPROVAL, Kind.FULL_APPROVAL):
        vote = next(
            s
            for s in steps
            if s.kind
            == (Kind.ADMISSION_VOTE if kind == Kind.ADMISSION_APPROVAL else Kind.FULL_VOTE)
        )
        _check_approval_window(vote.happened_on, happened_on)
    elif kind == Kind.PARTY_GROUP:
        if party_group is None or party_group.branch_id != branch.pk or party_group.dissolved_on:
            raise ValidationError(
                {"party_group": _("Choose an active Party group of this branch.")}
            )
        step.party_group = party_group
    elif kind == Kind.EXTENSION:
        _check_extension(candidate, happened_on, extended_until)
        step.extended_until = extended_until
    _check_floor(candidate, steps, kind, happened_on)

    step.full_clean()
    step.save()
    _move_on(candidate, step, steps, actor)
    return step


@transaction.atomic
def candidacy_end(
    *,
    candidate: Candidate,
    ended_on: datetime.date,
    reason: str,
    note: str = "",
    actor=None,
) -> Candidate:
    """End a candidacy before the admission: the person left the site, withdrew, or was not
    admitted. The stage reached, the steps and the data are kept; the candidate leaves the
    pipeline's stages and no deadline of theirs is reminded any more. Once admitted they are a
    member, and leaving is the member's own (their participation ends)."""
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    if candidate.member_id is not None:
        raise ValidationError(
            _(
                "%(name)s is a member since the admission was approved: a member leaves the "
                "branch from the member's page, not by ending the candidacy."
            )
            % {"name": candidate.name}
        )
    if candidate.is_ended:
        raise ValidationError(
            _("This candidacy ended on %(date)s already.") % {"date": _day(candidate.ended_on)}
        )
    if reason not in Candidate.EndReason.values:
        raise ValidationError({"reason": _("Choose why the candidacy ends.")})
    refuse_future(ended_on=ended_on)
    last = candidate.steps.order_by("-happened_on").values_list("happened_on", flat=True).first()
    floor = max(candidate.applied_on, last or candidate.applied_on)
    if ended_on < floor:
        raise ValidationError(
            {
                "ended_on": _("The candidacy cannot end before its last step (%(date)s).")
                % {"date": _day(floor)}
            }
        )
    candidate.ended_on = ended_on
    candidate.end_reason = reason
    candidate.end_note = note
    candidate.ended_by = actor
    candidate.full_clean(exclude=["birth_date", "gender"])
    candidate.save(update_fields=["ended_on", "end_reason", "end_note", "ended_by"])
    return candidate


def _check_decision(
    candidate: Candidate, kind: str, decision: MemberDecision | None, on: datetime.date
) -> None:
    if decision is None:
        raise ValidationError({"decision": _("Choose the decision of the branch general meeting.")})
    wanted = DECISION_STEPS[kind]
    if decision.branch_id != candidate.branch_id or decision.kind != wanted:
        raise ValidationError(
            {
                "decision": _("Choose a decision of this branch on %(kind)s.")
                % {"kind": MemberDecision.Kind(wanted).label}
            }
        )
    if not decision.is_valid:
        raise ValidationError({"decision": _("This decision is not valid: it decides nothing.")})
    if decision.held_on != on:
        raise ValidationError(
            {
                "happened_on": _("The meeting was held on %(date)s: give that date.")
                % {"date": _day(decision.held_on)}
            }
        )
    if kind == Kind.FULL_VOTE:
        if decision.member_id != candidate.member_id:
            raise ValidationError({"decision": _("This decision is about another member.")})
        if on < candidate.probation_ends_on:
            raise ValidationError(
                {
                    "happened_on": _(
                        "The vote on full membership comes when the probation has ended, on "
                        "%(date)s."
                    )
                    % {"date": _day(candidate.probation_ends_on)}
                }
            )
    if CandidateStep.objects.filter(decision=decision).exists():
        raise ValidationError({"decision": _("This decision is recorded for another candidate.")})


def _check_approval_window(meeting_on: datetime.date, on: datetime.date) -> None:
    if on < meeting_on:
        raise ValidationError(
            {
                "happened_on": _(
                    "The approval cannot come before the branch general meeting (%(date)s)."
                )
                % {"date": _day(meeting_on)}
            }
        )
    latest = rules.approval_latest(meeting_on)
    if on > latest:
        raise ValidationError(
            {
                "happened_on": _(
                    "The higher committee approves within six months of the branch general "
                    "meeting at the most: by %(date)s. After that the branch meeting must decide "
                    "again."
                )
                % {"date": _day(latest)}
            }
        )


def _check_extension(candidate: Candidate, on: datetime.date, until: datetime.date | None) -> None:
    ends = candidate.probation_ends_on
    latest = rules.extension_latest(ends)
    if on > ends:
        raise ValidationError(
            {
                "happened_on": _("The probation ended on %(date)s: it can no longer be extended.")
                % {"date": _day(ends)}
            }
        )
    if until is None:
        raise ValidationError({"extended_until": _("Give the date the extended probation ends.")})
    if until <= ends:
        raise ValidationError(
            {
                "extended_until": _("An extension ends after the probation (%(date)s).")
                % {"date": _day(ends)}
            }
        )
    if until > latest:
        raise ValidationError(
            {
                "extended_until": _(
                    "Probation is extended by a year at most: until %(date)s at the latest."
                )
                % {"date": _day(latest)}
            }
        )


def _move_on(candidate: Candidate, step: CandidateStep, steps: list[CandidateStep], actor) -> None:
    on = step.happened_on
    fields: list[str] = []
    if step.kind == Kind.TALK:
        candidate.talked_on = on
        fields.append("talked_on")
    elif step.kind == Kind.ACTIVIST:
        candidate.activist_on = on
        fields.append("activist_on")
    elif step.kind == Kind.CANDIDATE:
        candidate.development_on = on
        fields.append("development_on")
    elif step.kind == Kind.ADMISSION_VOTE:
        candidate.meeting_on = on
        fields.append("meeting_on")
    elif step.kind == Kind.ADMISSION_APPROVAL:
        candidate.member = _admit(candidate, on)
        candidate.admitted_on = on
        candidate.probation_ends_on = rules.probation_end(candidate.meeting_on)
        fields += ["member", "admitted_on", "probation_ends_on"]
    elif step.kind == Kind.EXTENSION:
        candidate.probation_ends_on = step.extended_until
        fields.append("probation_ends_on")
    elif step.kind == Kind.PARTY_GROUP:
        _into_group(candidate, step)
    elif step.kind == Kind.FULL_APPROVAL:
        _make_full(candidate)
        candidate.full_on = on
        fields.append("full_on")
    elif step.kind == Kind.ARCHIVED:
        candidate.archived_on = on
        fields.append("archived_on")
    if step.kind in STAGE_AFTER:
        candidate.stage = STAGE_AFTER[step.kind]
        fields.append("stage")
    if fields:
        candidate.save(update_fields=fields)


def _admit(candidate: Candidate, approved_on: datetime.date) -> Member:
    """The candidate becomes a probationary member of the branch, from the data of the
    application: nothing is typed again. The Party joining date is the branch general meeting's
    (the probation is counted from it); the organisational relation is in the branch that
    admitted them."""
    member = Member(
        name=candidate.name,
        gender=candidate.gender,
        birth_date=candidate.birth_date,
        phone=candidate.phone,
        id_number=candidate.id_number,
        standing=Member.Standing.PROBATIONARY,
        joined_party_on=candidate.meeting_on,
        employer_kind=candidate.employer_kind,
        employer_enterprise=candidate.employer_enterprise,
        employer_name=candidate.employer_name,
        job=candidate.job,
        relation_state=Member.RelationState.IN_BRANCH,
    )
    services.member_register(member=member, branch=candidate.branch, joined_on=approved_on)
    MemberDecision.objects.filter(
        candidate_steps__candidate=candidate,
        candidate_steps__kind=Kind.ADMISSION_VOTE,
        member__isnull=True,
    ).update(member=member)
    return member


def _into_group(candidate: Candidate, step: CandidateStep) -> None:
    member = candidate.member
    current = member.participations.filter(left_on__isnull=True).first()
    if current is None or current.party_group_id == step.party_group_id:
        return
    if current.branch_id != candidate.branch_id:
        raise ValidationError(_("The member is no longer active in this branch."))
    services.participation_move(
        member=member,
        branch=candidate.branch,
        party_group=step.party_group,
        on=max(step.happened_on, current.joined_on),
        reason=_("Joined a Party group"),
    )


def _make_full(candidate: Candidate) -> None:
    """Full membership counts from the day the probation ended (预备期满之日)."""
    member = Member.objects.select_for_update().get(pk=candidate.member_id)
    member.standing = Member.Standing.FULL
    member.full_member_on = candidate.probation_ends_on
    save_revision(member)


# Deadlines for the reminders ---------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    candidate: Candidate
    event: str  # "talk_due", "approval_due", "probation_ending"
    due_on: datetime.date


DEADLINE_EVENTS = ("talk_due", "approval_due", "probation_ending", "full_approval_due")


def deadlines(
    *,
    horizon: datetime.date,
    branch_ids: Iterable[int] | None = None,
    events: Iterable[str] | None = None,
) -> list[Deadline]:
    """The recruiting deadlines up to `horizon` (and overdue) in active branches (those given,
    or all): the talk within a month of the application, the approval within three months of
    the branch meeting, the probation's end, the full membership's approval within three months
    of its vote. `events` narrows to some of them; one query per kind of deadline."""
    wanted = set(events) if events is not None else set(DEADLINE_EVENTS)
    active = Candidate.objects.filter(branch__status=Branch.Status.ACTIVE, ended_on__isnull=True)
    if branch_ids is not None:
        active = active.filter(branch_id__in=list(branch_ids))
    active = active.only(
        "pk", "name", "branch_id", "applied_on", "meeting_on", "probation_ends_on", "stage"
    )
    # A month or three after a day is not always that day's number of days: read a few days
    # more from the table and keep those due by the horizon.
    slack = datetime.timedelta(days=3)
    items = []
    talk_from = horizon - relativedelta(months=rules.TALK_WITHIN_MONTHS) + slack
    if "talk_due" in wanted:
        for candidate in active.filter(
            stage=Stage.APPLICANT, talked_on__isnull=True, applied_on__lte=talk_from
        ):
            items.append(Deadline(candidate, "talk_due", rules.talk_due(candidate.applied_on)))
    approval_from = horizon - relativedelta(months=rules.APPROVAL_DUE_MONTHS) + slack
    if "approval_due" in wanted:
        for candidate in active.filter(
            stage=Stage.DEVELOPMENT, meeting_on__isnull=False, meeting_on__lte=approval_from
        ):
            items.append(
                Deadline(candidate, "approval_due", rules.approval_due(candidate.meeting_on))
            )
    if "probation_ending" in wanted:
        for candidate in active.filter(
            stage=Stage.PROBATIONARY, probation_ends_on__lte=horizon
        ).exclude(steps__kind=Kind.FULL_VOTE):
            items.append(Deadline(candidate, "probation_ending", candidate.probation_ends_on))
    # The full membership is approved within three months of its vote too.
    if "full_approval_due" in wanted:
        votes = CandidateStep.objects.filter(
            kind=Kind.FULL_VOTE,
            happened_on__lte=approval_from,
            candidate__in=active.filter(stage=Stage.PROBATIONARY).values("pk"),
        ).select_related("candidate")
        for vote in votes:
            items.append(
                Deadline(vote.candidate, "full_approval_due", rules.approval_due(vote.happened_on))
            )
    return [item for item in items if item.due_on <= horizon]


def _latest_start(months: int, until: datetime.date) -> datetime.date:
    """The last day whose deadline `months` calendar months later falls by `until` (a month
    after 31 January is 28 February: several days share a deadline, so the bound is found by
    stepping forward, at most three days)."""
    day = until - relativedelta(months=months)
    while day + datetime.timedelta(days=1) + relativedelta(months=months) <= until:
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class DeadlineCounts:
    due: int  # within the month to come (from today)
    overdue: int  # before today

    @property
    def total(self) -> int:
        return self.due + self.overdue


def deadline_counts(*, candidates: QuerySet[Candidate], today: datetime.date) -> DeadlineCounts:
    """How many of the deadlines `deadlines` lists for these candidates are overdue, and how
    many fall within the month to come: one aggregate query, the dates of the rules turned into
    bounds on the stored dates (a deadline is monotone in the date it counts from)."""
    overdue, due = _deadline_filters(today)
    counts = _open_with_full_vote(candidates).aggregate(
        due=Count("pk", filter=due), overdue=Count("pk", filter=overdue)
    )
    return DeadlineCounts(due=counts["due"], overdue=counts["overdue"])


OVERDUE, WITHIN_MONTH = "overdue", "month"


def candidates_with_deadlines(*, user, today: datetime.date, when: str) -> QuerySet[Candidate]:
    """The candidates the user may see with a deadline overdue (`OVERDUE`) or falling within
    the month to come (`WITHIN_MONTH`): the same filter `deadline_counts` counts, so the list
    has as many rows as the workbench's figure."""
    overdue, due = _deadline_filters(today)
    visible = restrict(Candidate.objects.all(), user, branch_path="branch_id")
    return (
        _open_with_full_vote(visible)
        .filter(overdue if when == OVERDUE else due)
        .select_related("branch")
        .order_by("applied_on", "pk")
    )


def _open_with_full_vote(candidates: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """The candidacies still open in active branches, with the date of their full-membership
    vote (its approval is due three months after)."""
    full_vote_on = Subquery(
        CandidateStep.objects.filter(candidate=OuterRef("pk"), kind=Kind.FULL_VOTE)
        .order_by("-happened_on")
        .values("happened_on")[:1]
    )
    return candidates.filter(branch__status=Branch.Status.ACTIVE, ended_on__isnull=True).annotate(
        full_vote_on=full_vote_on
    )


def _deadline_filters(today: datetime.date) -> tuple[Q, Q]:
    """(overdue, due within the month) over `_open_with_full_vote`'s rows: the dates of the
    rules turned into bounds on the stored dates (a deadline is monotone in its start)."""
    yesterday = today - datetime.timedelta(days=1)
    horizon = today + relativedelta(months=1)
    kinds = (
        # (the candidates the deadline concerns, the date it counts from, months after it)
        (Q(stage=Stage.APPLICANT, talked_on__isnull=True), "applied_on", rules.TALK_WITHIN_MONTHS),
        (Q(stage=Stage.DEVELOPMENT), "meeting_on", rules.APPROVAL_DUE_MONTHS),
        (Q(stage=Stage.PROBATIONARY, full_vote_on__isnull=True), "probation_ends_on", 0),
        (Q(stage=Stage.PROBATIONARY), "full_vote_on", rules.APPROVAL_DUE_MONTHS),
    )
    overdue, due = Q(pk__in=[]), Q(pk__in=[])
    for which, field, months in kinds:
        late = _latest_start(months, yesterday)
        soon = _latest_start(months, horizon)
        overdue |= which & Q(**{f"{field}__lte": late})
        due |= which & Q(**{f"{field}__gt": late, f"{field}__lte": soon})
    return overdue, due


def street_totals(*, user) -> list[tuple[str, str, int]]:
    """Candidates per stage in every branch the user sees (one query)."""
    counts = dict(
        restrict(Candidate.objects.filter(ended_on__isnull=True), user, branch_path="branch_id")
        .values_list("stage")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in Stage.choices]
