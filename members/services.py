"""Writes for members: registration, dual-management participation, transfers, pioneer posts.
History is appended: a move ends one participation and starts another; a transfer records
each step with its date and who recorded it."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, PartyGroup
from core.services import create_once, refuse_future, save_revision
from members import moves
from members.models import Member, Participation, PioneerPost, Transfer, TransferStep
from projects.models import Project


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _check_group(branch: Branch, party_group: PartyGroup | None) -> None:
    if branch.status != Branch.Status.ACTIVE:
        raise ValidationError({"branch": _("Members join only an active branch.")})
    if party_group is not None and (
        party_group.branch_id != branch.pk or party_group.dissolved_on is not None
    ):
        raise ValidationError({"party_group": _("Choose an active Party group of this branch.")})


def member_register(
    *,
    member: Member,
    branch: Branch,
    joined_on: datetime.date,
    party_group: PartyGroup | None = None,
    submission_token: uuid.UUID | None = None,
) -> Member:
    """Record a member and their participation in a branch, in one step."""

    def create() -> Member:
        _check_group(branch, party_group)
        refuse_future(joined_on=joined_on)
        member.submission_token = submission_token
        _save(member)
        _save(
            Participation(
                member=member, branch=branch, party_group=party_group, joined_on=joined_on
            )
        )
        return member

    return create_once(Member, submission_token, create)


@transaction.atomic
def member_update(*, member: Member) -> Member:
    """Save the member's form (refused if someone saved the member since it was shown)."""
    return save_revision(member)


@transaction.atomic
def participation_end(
    *, participation: Participation, left_on: datetime.date, reason: str
) -> Participation:
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.left_on is not None:
        raise ValidationError(_("This participation has already ended."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member leaves.")})
    refuse_future(left_on=left_on)
    participation.left_on = left_on
    participation.leaving_reason = reason
    return _save(participation)


@transaction.atomic
def participation_start(
    *,
    member: Member,
    branch: Branch,
    joined_on: datetime.date,
    party_group: PartyGroup | None = None,
) -> Participation:
    """Join a branch. A member active elsewhere must leave first (or be moved)."""
    _check_group(branch, party_group)
    refuse_future(joined_on=joined_on)
    last = member.participations.order_by("-joined_on").first()
    if last and last.left_on and joined_on < last.left_on:
        raise ValidationError({"joined_on": _("This is before the member left their last branch.")})
    return _save(
        Participation(member=member, branch=branch, party_group=party_group, joined_on=joined_on)
    )


@transaction.atomic
def participation_move(
    *,
    member: Member,
    branch: Branch,
    on: datetime.date,
    reason: str,
    party_group: PartyGroup | None = None,
) -> Participation:
    """Move a member to another branch or Party group: the current participation ends on that
    date and a new one starts the same day."""
    current = member.participations.select_for_update().filter(left_on__isnull=True).first()
    if current is None:
        raise ValidationError(_("This member is not active in any branch."))
    if current.branch_id == branch.pk and current.party_group_id == (
        party_group.pk if party_group else None
    ):
        raise ValidationError(_("The member is already there."))
    refuse_future(on=on)
    if on < current.joined_on:
        raise ValidationError({"on": _("This is before the member joined their current branch.")})
    participation_end(participation=current, left_on=on, reason=reason)
    return participation_start(member=member, branch=branch, joined_on=on, party_group=party_group)


# Transfers of the organisational relation ---------------------------------------------------------

NEXT_STEP = {
    Transfer.Status.REQUESTED: Transfer.Status.LETTER_ISSUED,
    Transfer.Status.LETTER_ISSUED: Transfer.Status.RECEIVED,
    Transfer.Status.RECEIVED: Transfer.Status.COMPLETED,
}


@transaction.atomic
def transfer_request(
    *,
    member: Member,
    to_branch: Branch,
    requested_on: datetime.date,
    actor,
    from_organisation: str = "",
) -> Transfer:
    if member.relation_state == Member.RelationState.IN_BRANCH:
        raise ValidationError(_("This member's relation is already in the project branch."))
    if requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("This date is in the future.")})
    transfer = _save(
        Transfer(
            member=member,
            to_branch=to_branch,
            requested_on=requested_on,
            from_organisation=from_organisation
            or (str(member.home_organisation) if member.home_organisation else ""),
        )
    )
    TransferStep.objects.create(
        transfer=transfer, status=transfer.status, happened_on=requested_on, actor=actor
    )
    return transfer


@transaction.atomic
def transfer_advance(
    *,
    transfer: Transfer,
    to_status: str,
    on: datetime.date,
    actor,
    note: str = "",
) -> Transfer:
    """Take the transfer one step further (requested → letter issued → received → completed),
    or reject it with a reason. Completing it puts the member's relation in the branch."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=transfer.pk)
    )
    if not transfer.is_open:
        raise ValidationError(_("This transfer is closed."))
    expected = NEXT_STEP[Transfer.Status(transfer.status)]
    if to_status not in (expected, Transfer.Status.REJECTED):
        raise ValidationError(
            {
                "to_status": _("The next step of this transfer is %(step)s.")
                % {"step": expected.label}
            }
        )
    last_day = transfer.steps.order_by("-happened_on").values_list("happened_on", flat=True)[0]
    if on < last_day:
        raise ValidationError(
            {"on": _("This is before the previous step (%(date)s).") % {"date": last_day}}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    if to_status == Transfer.Status.REJECTED:
        if not note.strip():
            raise ValidationError({"note": _("Say why the transfer was rejected.")})
        transfer.rejection_reason = note
    transfer.status = to_status
    if to_status in (Transfer.Status.COMPLETED, Transfer.Status.REJECTED):
        transfer.closed_on = on
    _save(transfer)
    TransferStep.objects.create(
        transfer=transfer, status=to_status, happened_on=on, note=note, actor=actor
    )
    if to_status == Transfer.Status.RECEIVED:
        moves.note_arrival_of_transfer(transfer=transfer, on=on)
    if to_status == Transfer.Status.COMPLETED:
        member = Member.objects.select_for_update().get(pk=transfer.member_id)
        member.relation_state = Member.RelationState.IN_BRANCH
        save_revision(member)
    return transfer


# Pioneer posts -----------------------------------------------------------------------------------


@transaction.atomic
def pioneer_post_assign(
    *, member: Member, project: Project, kind: str, title: str, started_on: datetime.date
) -> PioneerPost:
    refuse_future(started_on=started_on)
    return _save(
        PioneerPost(member=member, project=project, kind=kind, title=title, started_on=started_on)
    )


@transaction.atomic
def pioneer_post_end(*, post: PioneerPost, ended_on: datetime.date) -> PioneerPost:
    post = PioneerPost.objects.select_for_update().get(pk=post.pk)
    if post.ended_on is not None:
        raise ValidationError(_("This post has already ended."))
    refuse_future(on=ended_on)
    post.ended_on = ended_on
    return _save(post)
