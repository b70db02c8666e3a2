"""Writes for the Party organisation: branches, their seats and Party groups, transformation."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import forget_scope
from branches.models import Archive, Branch, PartyCommittee, PartyGroup, Seat, Term
from core import party_rules as rules
from core.outbox import enqueue
from core.services import create_once, refuse_future, save_revision
from projects.models import Project, WorkingGroup

ARCHIVE_TASK = "home.tasks.build_archive"


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def branch_establish(
    *,
    project: Project,
    committee: PartyCommittee,
    name: str,
    established_on: datetime.date,
) -> Branch:
    """Set up the branch of a project (a project has one active branch at a time)."""
    refuse_future(established_on=established_on)
    return _save(
        Branch(project=project, committee=committee, name=name, established_on=established_on)
    )


@transaction.atomic
def branch_update(*, branch: Branch) -> Branch:
    refuse_future(established_on=branch.established_on)
    return save_revision(branch)


def _close(branch: Branch, *, on: datetime.date) -> None:
    """End what a closing branch still holds open: its seats and its Party groups."""
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError(_("This branch has already been transformed or dissolved."))
    refuse_future(on=on)
    if on < branch.established_on:
        raise ValidationError({"closed_on": _("A branch cannot close before it is established.")})
    for seat in branch.seats.filter(ended_on__isnull=True):
        seat.ended_on = max(on, seat.started_on)
        _save(seat)
        if seat.user_id:
            forget_scope(seat.user)
    for group in branch.party_groups.filter(dissolved_on__isnull=True):
        group.dissolved_on = max(on, group.established_on)
        save_revision(group)


@transaction.atomic
def branch_transform(
    *,
    branch: Branch,
    on: datetime.date,
    into: str,
    successor_name: str,
    note: str = "",
) -> Branch:
    """The project is completed: its Party building becomes business-district, building or
    community Party building. Everything the branch recorded stays with it, readable."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    _close(branch, on=on)
    branch.status = Branch.Status.TRANSFORMED
    branch.closed_on = on
    branch.transformed_into = into
    branch.successor_name = successor_name
    branch.closure_note = note
    save_revision(branch)
    archive_request(branch=branch)  # everything the branch built is handed over whole
    return branch


@transaction.atomic
def branch_dissolve(*, branch: Branch, on: datetime.date, note: str) -> Branch:
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if not note.strip():
        raise ValidationError({"closure_note": _("Say why the branch is dissolved.")})
    _close(branch, on=on)
    branch.status = Branch.Status.DISSOLVED
    branch.closed_on = on
    branch.closure_note = note
    save_revision(branch)
    archive_request(branch=branch)
    return branch


@transaction.atomic
def seat_appoint(
    *,
    branch: Branch,
    kind: str,
    holder_name: str,
    origin: str,
    started_on: datetime.date,
    user=None,
) -> Seat:
    """Appoint someone to a seat. A secretary's seat must be ended before another is appointed."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError(_("Seats are appointed only in an active branch."))
    seat = _save(
        Seat(
            branch=branch,
            kind=kind,
            holder_name=holder_name,
            origin=origin,
            started_on=started_on,
            user=user,
        )
    )
    if user is not None:
        forget_scope(user)
    return seat


@transaction.atomic
def seat_end(*, seat: Seat, ended_on: datetime.date) -> Seat:
    seat = Seat.objects.select_for_update(of=("self",)).select_related("user").get(pk=seat.pk)
    if seat.ended_on is not None:
        raise ValidationError(_("This seat has already ended."))
    seat.ended_on = ended_on
    _save(seat)
    if seat.user_id:
        forget_scope(seat.user)
    return seat


def _check_working_group(branch: Branch, working_group: WorkingGroup | None) -> None:
    if working_group is not None and working_group.project_id != branch.project_id:
        raise ValidationError(
            {"working_group": _("This working group belongs to another project.")}
        )


def party_group_create(
    *,
    branch: Branch,
    name: str,
    established_on: datetime.date,
    working_group: WorkingGroup | None = None,
    leader_name: str = "",
    submission_token: uuid.UUID | None = None,
) -> PartyGroup:
    branch_id = branch.pk

    def create() -> PartyGroup:
        branch = Branch.objects.select_for_update().get(pk=branch_id)
        if branch.status != Branch.Status.ACTIVE:
            raise ValidationError(_("Party groups are set up only in an active branch."))
        _check_working_group(branch, working_group)
        refuse_future(established_on=established_on)
        if established_on < branch.established_on:
            raise ValidationError(
                {"established_on": _("This is before the branch was established.")}
            )
        return _save(
            PartyGroup(
                branch=branch,
                name=name,
                established_on=established_on,
                working_group=working_group,
                leader_name=leader_name,
                submission_token=submission_token,
            )
        )

    return create_once(PartyGroup, submission_token, create)


def _check_open(group: PartyGroup) -> None:
    if group.branch.status != Branch.Status.ACTIVE:
        raise ValidationError(
            _("The branch is no longer active: its records are kept as they are.")
        )
    if group.dissolved_on is not None:
        raise ValidationError(_("This group has already been dissolved."))


@transaction.atomic
def party_group_update(*, group: PartyGroup) -> PartyGroup:
    _check_open(PartyGroup.objects.select_related("branch").get(pk=group.pk))
    _check_working_group(group.branch, group.working_group)
    refuse_future(established_on=group.established_on)
    return save_revision(group)


@transaction.atomic
def party_group_dissolve(*, group: PartyGroup, on: datetime.date) -> PartyGroup:
    group = (
        PartyGroup.objects.select_for_update(of=("self",)).select_related("branch").get(pk=group.pk)
    )
    _check_open(group)
    refuse_future(on=on)
    group.dissolved_on = on
    return save_revision(group)


@transaction.atomic
def archive_request(*, branch: Branch, actor=None) -> Archive:
    """Queue the handover archive of a branch; it is built in the background once this
    transaction has committed (the builder sits above this app and is asked for by name)."""
    item = Archive.objects.create(branch=branch, requested_by=actor)
    item.job = enqueue(ARCHIVE_TASK, archive_id=item.pk)
    item.save(update_fields=["job"])
    return item


@transaction.atomic
def term_open(*, branch: Branch, started_on: datetime.date, years: int) -> Term:
    """Open a term of the branch's committee (after an election, or to record the one a
    committee is already serving); the term before it stays on record."""
    refuse_future(started_on=started_on)
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError(_("Terms are recorded only for an active branch."))
    if years not in rules.TERM_YEARS:
        raise ValidationError({"years": _("A term lasts 3 or 5 years.")})
    latest = branch.terms.order_by("-started_on").first()
    if latest is not None and started_on <= latest.started_on:
        raise ValidationError(
            {
                "started_on": _("A new term begins after the current one (begun on %(date)s).")
                % {"date": latest.started_on.isoformat()}
            }
        )
    return _save(
        Term(
            branch=branch,
            started_on=started_on,
            years=years,
            ends_on=rules.term_end(started_on, years),
        )
    )
