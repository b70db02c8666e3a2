"""Members on the move: transfer letters (介绍信) and their timers; floating members (流动党员).

A letter is valid until a date set on it, three months after its date at most (and by default);
its receipt (回执) is due back one month after its date. Months are calendar months, clipped at
a month's end: a letter of 31 January has its receipt due on 28 (or 29) February, one of
30 November is valid until 28 February at most.

Incoming, a letter belongs to the transfer of the relation into a branch: the member reports
(the transfer is "received"), and the branch returns the receipt. Outgoing, the letter is the
record of a relation leaving a branch: the branch stays responsible for the member, who stays
listed as "transfer out pending receipt", until the receipt comes back; then their
participation ends and their relation sits at the destination, with the dates kept.

A floating member whose relation stays at a home organisation while they take part in a branch
of the portal for six months or more (counted, like the letters, in calendar months from the
day they joined the branch) is flagged: the rules ask that the relation be transferred."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import get_in_scope_or_404, restrict
from branches.models import Branch
from core.pagination import count_per
from core.services import refuse_future, save_revision
from members import dues
from members.models import (
    FloatingCertificate,
    HomeOrganisation,
    Member,
    Participation,
    Transfer,
    TransferLetter,
)

VALIDITY_MONTHS = 3  # a letter's validity, by default and at most
RECEIPT_MONTHS = 1  # the receipt is due back a month after the letter's date
AWAY_MONTHS = 6  # a floating member away this long should transfer the relation


# Deadlines ---------------------------------------------------------------------------------------


def longest_validity(issued_on: datetime.date) -> datetime.date:
    return issued_on + relativedelta(months=VALIDITY_MONTHS)


def receipt_due(issued_on: datetime.date) -> datetime.date:
    return issued_on + relativedelta(months=RECEIPT_MONTHS)


def away_long_enough(joined_on: datetime.date, today: datetime.date) -> bool:
    """Six months or more in the branch, in calendar months (31 August + 6 months = 28 February)."""
    return joined_on + relativedelta(months=AWAY_MONTHS) <= today


def away_cutoff(today: datetime.date) -> datetime.date:
    """The last joining day that makes `away_long_enough` true today, for a query: six months
    back, or, on a month's last day, the last day of that earlier month (every later day of it
    is clipped to today)."""
    back = today - relativedelta(months=AWAY_MONTHS)
    if (today + datetime.timedelta(days=1)).day == 1:
        return back + relativedelta(day=31)
    return back


# Reads -------------------------------------------------------------------------------------------

PENDING = Q(receipt_on__isnull=True) & ~Q(transfer__status=Transfer.Status.REJECTED)


def lapsed_q(today: datetime.date) -> Q:
    return PENDING & Q(arrived_on__isnull=True, valid_until__lt=today)


def receipt_overdue_q(today: datetime.date) -> Q:
    return PENDING & Q(receipt_due_on__lt=today)


def flagged_q(today: datetime.date) -> Q:
    return lapsed_q(today) | receipt_overdue_q(today)


def letter_get_for_user(*, user, pk: int) -> TransferLetter:
    return get_in_scope_or_404(
        TransferLetter.objects.select_related("member", "branch", "transfer"),
        user,
        branch_path="branch_id",
        pk=pk,
    )


def pending_letters_of_branch(*, branch: Branch) -> QuerySet[TransferLetter]:
    """The branch's letters still awaiting their receipt, the earliest deadline first."""
    return (
        TransferLetter.objects.filter(PENDING, branch=branch)
        .select_related("member")
        .order_by("receipt_due_on", "pk")
    )


def flagged_letters_for_user(*, user, today: datetime.date) -> QuerySet[TransferLetter]:
    return (
        restrict(TransferLetter.objects.filter(flagged_q(today)), user, branch_path="branch_id")
        .select_related("member", "branch")
        .order_by("receipt_due_on", "pk")
    )


def letters_of_member(*, member: Member) -> QuerySet[TransferLetter]:
    return member.transfer_letters.select_related("branch", "recorded_by")


def mark_flags(letters, *, today: datetime.date) -> None:
    for letter in letters:
        letter.lapsed = letter.validity_lapsed(today)
        letter.overdue = letter.receipt_overdue(today)


def _open_transfer() -> Exists:
    return Exists(
        Transfer.objects.filter(
            member=OuterRef("member"),
            status__in=[
                Transfer.Status.REQUESTED,
                Transfer.Status.LETTER_ISSUED,
                Transfer.Status.RECEIVED,
            ],
        )
    )


def away_from_home(*, today: datetime.date) -> QuerySet[Participation]:
    """The active participations of floating members whose relation stays at a home organisation,
    six months or more old, with no transfer of the relation in progress."""
    return Participation.objects.filter(
        left_on__isnull=True,
        joined_on__lte=away_cutoff(today),
        member__is_floating=True,
        member__relation_state=Member.RelationState.AT_HOME,
    ).exclude(_open_transfer())


def away_of_branch(*, branch: Branch, today: datetime.date) -> QuerySet[Participation]:
    return (
        away_from_home(today=today)
        .filter(branch=branch)
        .select_related("member", "member__home_organisation")
        .order_by("joined_on", "pk")
    )


def flags_by_branch(branch_ids: list[int], *, today: datetime.date) -> dict[int, dict[str, int]]:
    """Per branch: letters past their validity, receipts overdue, members away six months or
    more. Two queries, whatever the number of branches."""
    figures = {pk: {"lapsed": 0, "receipts": 0, "away": 0} for pk in branch_ids}
    for row in (
        TransferLetter.objects.filter(branch__in=branch_ids)
        .filter(flagged_q(today))
        .order_by()
        .values("branch")
        .annotate(
            lapsed=Count("id", filter=lapsed_q(today)),
            receipts=Count("id", filter=receipt_overdue_q(today)),
        )
    ):
        figures[row["branch"]].update(lapsed=row["lapsed"], receipts=row["receipts"])
    # Counted branch by branch (a subquery each): the database probes the members of each
    # branch by key, where one grouped join over all the page's branches hashed every member.
    for pk, count in (
        Branch.objects.filter(pk__in=branch_ids)
        .order_by()
        .annotate(away=count_per(away_from_home(today=today), "branch"))
        .values_list("pk", "away")
    ):
        figures[pk]["away"] = count
    return figures


def letter_flag_counts(*, letters: QuerySet[TransferLetter], today: datetime.date) -> dict:
    """Of these letters, how many are past their validity and how many receipts are overdue
    (one aggregate query)."""
    return letters.filter(flagged_q(today)).aggregate(
        lapsed=Count("id", filter=lapsed_q(today)),
        receipts=Count("id", filter=receipt_overdue_q(today)),
    )


def away_by_branch(*, today: datetime.date) -> dict[int, int]:
    """How many floating members of each branch are away six months or more (one query)."""
    rows = away_from_home(today=today).order_by().values("branch").annotate(count=Count("id"))
    return {row["branch"]: row["count"] for row in rows}


def certificates_of_member(*, member: Member) -> QuerySet[FloatingCertificate]:
    return member.floating_certificates.select_related("recorded_by")


# What a new letter says unless the secretary changes it ------------------------------------------


def outgoing_letter_initial(*, member: Member, branch: Branch, today: datetime.date) -> dict:
    """The dues paid up to, from the dues records of the branch (the member pays there); the
    longest validity; the branch as the sender."""
    standing = dues.member_dues_standing(member=member, today=today)
    return {
        "issued_on": today,
        "from_organisation": branch.name,
        "dues_paid_to": standing.paid_through,
        "valid_until": longest_validity(today),
    }


def incoming_letter_initial(*, transfer: Transfer, today: datetime.date) -> dict:
    return {
        "issued_on": today,
        "from_organisation": transfer.from_organisation,
        "valid_until": longest_validity(today),
    }


# Writes ------------------------------------------------------------------------------------------


def _check_deadlines(*, issued_on: datetime.date, valid_until: datetime.date) -> None:
    refuse_future(issued_on=issued_on)
    if valid_until < issued_on:
        raise ValidationError({"valid_until": _("A letter is valid until a day after its date.")})
    if valid_until > longest_validity(issued_on):
        raise ValidationError(
            {
                "valid_until": _("A letter is valid for three months at most: until %(date)s.")
                % {"date": date_format(longest_validity(issued_on))}
            }
        )


def _save(letter: TransferLetter) -> TransferLetter:
    letter.full_clean()
    letter.save()
    return letter


@transaction.atomic
def incoming_letter_record(
    *,
    transfer: Transfer,
    number: str,
    issued_on: datetime.date,
    from_organisation: str,
    dues_paid_to: datetime.date,
    valid_until: datetime.date,
    actor,
) -> TransferLetter:
    """The letter the member brings into the branch, on their transfer in progress. If the
    member has reported already (the transfer is received), that day is the arrival."""
    transfer = Transfer.objects.select_for_update().select_related("to_branch").get(pk=transfer.pk)
    if not transfer.is_open:
        raise ValidationError(_("This transfer is closed."))
    if TransferLetter.objects.filter(transfer=transfer).exists():
        raise ValidationError(_("This transfer's letter is recorded already."))
    _check_deadlines(issued_on=issued_on, valid_until=valid_until)
    received = (
        transfer.steps.filter(status=Transfer.Status.RECEIVED)
        .values_list("happened_on", flat=True)
        .first()
    )
    if received is not None and received < issued_on:
        raise ValidationError(
            {
                "issued_on": _("The member reported on %(date)s, before this date.")
                % {"date": received}
            }
        )
    return _save(
        TransferLetter(
            member=transfer.member,
            branch=transfer.to_branch,
            direction=TransferLetter.Direction.INCOMING,
            transfer=transfer,
            number=number,
            issued_on=issued_on,
            from_organisation=from_organisation,
            to_organisation=transfer.to_branch.name,
            dues_paid_to=dues.month_of(dues_paid_to),
            valid_until=valid_until,
            receipt_due_on=receipt_due(issued_on),
            arrived_on=received,
            recorded_by=actor,
        )
    )


def note_arrival_of_transfer(*, transfer: Transfer, on: datetime.date) -> None:
    """Called by the transfer's step "received": the member reported with the letter."""
    letter = TransferLetter.objects.filter(transfer=transfer, arrived_on__isnull=True).first()
    if letter is not None:  # saved, not updated: the letter's history records the arrival
        letter.arrived_on = on
        _save(letter)


@transaction.atomic
def outgoing_letter_issue(
    *,
    member: Member,
    branch: Branch,
    number: str,
    issued_on: datetime.date,
    to_organisation: str,
    dues_paid_to: datetime.date,
    valid_until: datetime.date,
    actor,
) -> TransferLetter:
    """The branch issues a letter for a member whose relation sits in it, to another
    organisation. The member stays in the branch until the receipt comes back."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.relation_state != Member.RelationState.IN_BRANCH:
        raise ValidationError(
            _("Only a member whose relation sits in the branch can be transferred out of it.")
        )
    if not Participation.objects.filter(
        member=member, branch=branch, left_on__isnull=True
    ).exists():
        raise ValidationError(_("This member is not active in this branch."))
    if TransferLetter.objects.filter(
        member=member, direction=TransferLetter.Direction.OUTGOING, receipt_on__isnull=True
    ).exists():
        raise ValidationError(_("This member already has a transfer out awaiting its receipt."))
    if not to_organisation.strip():
        raise ValidationError({"to_organisation": _("Say where the relation goes.")})
    _check_deadlines(issued_on=issued_on, valid_until=valid_until)
    return _save(
        TransferLetter(
            member=member,
            branch=branch,
            direction=TransferLetter.Direction.OUTGOING,
            number=number,
            issued_on=issued_on,
            from_organisation=branch.name,
            to_organisation=to_organisation.strip(),
            dues_paid_to=dues.month_of(dues_paid_to),
            valid_until=valid_until,
            receipt_due_on=receipt_due(issued_on),
            recorded_by=actor,
        )
    )


def _locked(letter: TransferLetter) -> TransferLetter:
    letter = (
        TransferLetter.objects.select_for_update(of=("self",))
        .select_related("transfer", "member")
        .get(pk=letter.pk)
    )
    if letter.receipt_on is not None:
        raise ValidationError(_("This letter's receipt is recorded already."))
    if letter.transfer is not None and letter.transfer.status == Transfer.Status.REJECTED:
        raise ValidationError(_("This transfer was rejected."))
    return letter


@transaction.atomic
def letter_correct(
    *,
    letter: TransferLetter,
    number: str,
    dues_paid_to: datetime.date,
    valid_until: datetime.date,
    to_organisation: str | None = None,
    actor=None,
) -> TransferLetter:
    """Correct what was typed on a letter awaiting its receipt: its number, its destination (an
    outgoing letter's; an incoming one comes into the branch), the month the dues are paid up
    to and its validity, checked as when it was recorded. Saved, not updated: the version
    recorded first stays in the letter's history, with who corrected it."""
    letter = _locked(letter)
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Give the letter's number.")})
    if letter.is_outgoing:
        to_organisation = (to_organisation or "").strip()
        if not to_organisation:
            raise ValidationError({"to_organisation": _("Say where the relation goes.")})
    else:
        to_organisation = letter.to_organisation
    _check_deadlines(issued_on=letter.issued_on, valid_until=valid_until)
    corrected = {
        "number": number,
        "to_organisation": to_organisation,
        "dues_paid_to": dues.month_of(dues_paid_to),
        "valid_until": valid_until,
    }
    if all(getattr(letter, field) == value for field, value in corrected.items()):
        raise ValidationError(_("Nothing was changed."))
    for field, value in corrected.items():
        setattr(letter, field, value)
    letter._history_user = actor
    letter._change_reason = "corrected"
    return _save(letter)


@transaction.atomic
def letter_arrival_record(*, letter: TransferLetter, on: datetime.date) -> TransferLetter:
    """The destination says the member reported there (an outgoing letter)."""
    letter = _locked(letter)
    if not letter.is_outgoing:
        raise ValidationError(_("An incoming letter arrives with the transfer's step 'received'."))
    if letter.arrived_on is not None:
        raise ValidationError(_("The member's arrival is recorded already."))
    refuse_future(on=on)
    if on < letter.issued_on:
        raise ValidationError({"on": _("The member cannot report before the letter was issued.")})
    letter.arrived_on = on
    return _save(letter)


@transaction.atomic
def letter_receipt_record(*, letter: TransferLetter, on: datetime.date, actor) -> TransferLetter:
    """The receipt: returned by the branch (incoming) or come back to it (outgoing). Outgoing, the
    member's participation in the branch ends that day and the relation sits at the destination."""
    letter = _locked(letter)
    refuse_future(on=on)
    if letter.arrived_on is not None and on < letter.arrived_on:
        message = _("The receipt cannot be dated before the member reported (%(date)s).")
        raise ValidationError({"on": message % {"date": date_format(letter.arrived_on)}})
    if on < letter.issued_on:
        message = _("The receipt cannot be dated before the letter (%(date)s).")
        raise ValidationError({"on": message % {"date": date_format(letter.issued_on)}})
    if not letter.is_outgoing and letter.arrived_on is None:
        raise ValidationError(_("The receipt is returned once the member has reported."))
    if letter.is_outgoing and letter.arrived_on is None:
        letter.arrived_on = on
    letter.receipt_on = on
    _save(letter)
    if letter.is_outgoing:
        current = (
            Participation.objects.select_for_update()
            .filter(member=letter.member, branch=letter.branch, left_on__isnull=True)
            .first()
        )
        if current is not None:
            if on < current.joined_on:
                raise ValidationError({"on": _("This is before the member joined the branch.")})
            current.left_on = on
            current.leaving_reason = _("Relation transferred to %(to)s") % {
                "to": letter.to_organisation
            }
            current.full_clean()
            current.save()
        member = Member.objects.select_for_update().get(pk=letter.member_id)
        member.home_organisation = HomeOrganisation.objects.get_or_create(
            name=letter.to_organisation
        )[0]
        member.relation_state = Member.RelationState.AT_HOME
        save_revision(member)
    return letter


@transaction.atomic
def floating_certificate_record(
    *,
    member: Member,
    number: str,
    issued_on: datetime.date,
    valid_until: datetime.date,
    issuing_organisation: str,
    actor,
) -> FloatingCertificate:
    if not member.is_floating:
        raise ValidationError(_("This member is not recorded as a floating member."))
    refuse_future(issued_on=issued_on)
    if valid_until < issued_on:
        raise ValidationError(
            {"valid_until": _("A certificate is valid until a day after it was issued.")}
        )
    certificate = FloatingCertificate(
        member=member,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        issuing_organisation=issuing_organisation,
        recorded_by=actor,
    )
    certificate.full_clean()
    certificate.save()
    return certificate
