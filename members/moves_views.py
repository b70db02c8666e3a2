"""Pages of members on the move: a branch's letters and floating members with their flags, the
letter forms (issued out of a branch, brought into one), arrival and receipt, certificates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import EndDateForm
from core.pages import form_page
from core.pagination import paginate
from members import dues, moves
from members.models import Transfer
from members.moves_forms import (
    CertificateForm,
    IncomingLetterForm,
    LetterCorrectionForm,
    OutgoingLetterForm,
)
from members.selectors import transfer_get_for_user
from members.views import _current_or_403, _managed_member


@require_GET
def branch_moves(request, pk: int):
    """The branch's letters awaiting their receipt (members transferring out stay listed here
    until it comes back) and its floating members away six months or more."""
    branch = dues.branch_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    letters = paginate(request, moves.pending_letters_of_branch(branch=branch))
    letters.object_list = list(letters.object_list)
    moves.mark_flags(letters.object_list, today=today)
    away = paginate(request, moves.away_of_branch(branch=branch, today=today), param="away_page")
    return render(
        request,
        "members/branch_moves.html",
        {"branch": branch, "letters": letters, "away": away, "today": today, "can_manage": True},
    )


@require_http_methods(["GET", "POST"])
def letter_issue(request, pk: int):
    """The branch issues a transfer letter out of it, for a member whose relation sits there."""
    member = _managed_member(request, pk)
    branch = _current_or_403(member).branch
    if member.relation_state != member.RelationState.IN_BRANCH:
        # The page offers this only to a member whose relation is here; an address typed or
        # shared for another member says why, on the member's page.
        messages.error(
            request,
            _(
                "%(name)s's organisational relation is not held in this branch: their transfer "
                "letter is issued where it is held."
            )
            % {"name": member.name},
        )
        return redirect(member)
    today = timezone.localdate()
    form = OutgoingLetterForm(
        request.POST or None,
        initial=moves.outgoing_letter_initial(member=member, branch=branch, today=today),
    )

    def save(f):
        moves.outgoing_letter_issue(
            member=member, branch=branch, actor=request.user, **f.cleaned_data
        )
        return reverse("members:branch_moves", args=[branch.pk])

    return form_page(
        request,
        form=form,
        title=_("Transfer letter for %(name)s out of %(branch)s")
        % {"name": member.name, "branch": branch.name},
        intro=_(
            "The branch stays responsible for the member until the receipt comes back; then "
            "their participation ends and the relation sits at the destination."
        ),
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The transfer letter was recorded."),
    )


@require_http_methods(["GET", "POST"])
def letter_record(request, transfer_pk: int):
    """The letter a member brings with the transfer of their relation into the branch."""
    transfer = transfer_get_for_user(user=request.user, pk=transfer_pk)
    if not transfer.is_open or hasattr(transfer, "letter"):
        raise PermissionDenied
    form = IncomingLetterForm(
        request.POST or None,
        initial=moves.incoming_letter_initial(transfer=transfer, today=timezone.localdate()),
    )

    def save(f):
        moves.incoming_letter_record(transfer=transfer, actor=request.user, **f.cleaned_data)
        return transfer.member.get_absolute_url() + "#transfers"

    return form_page(
        request,
        form=form,
        title=_("Transfer letter of %(name)s into %(branch)s")
        % {"name": transfer.member.name, "branch": transfer.to_branch.name},
        intro=_("Dues are paid in the branch from the month after the one the letter states."),
        cancel_url=transfer.member.get_absolute_url() + "#transfers",
        on_valid=save,
        success_message=_("The transfer letter was recorded."),
    )


@require_http_methods(["GET", "POST"])
def letter_correct(request, letter_pk: int):
    """Correct a letter awaiting its receipt (another branch's letter is a 404)."""
    letter = moves.letter_get_for_user(user=request.user, pk=letter_pk)
    rejected = letter.transfer is not None and letter.transfer.status == Transfer.Status.REJECTED
    if letter.receipt_on is not None or rejected:
        raise PermissionDenied
    form = LetterCorrectionForm(
        request.POST or None,
        outgoing=letter.is_outgoing,
        initial={
            "number": letter.number,
            "to_organisation": letter.to_organisation,
            "dues_paid_to": letter.dues_paid_to,
            "valid_until": letter.valid_until,
        },
    )

    def save(f):
        moves.letter_correct(letter=letter, actor=request.user, **f.cleaned_data)
        return reverse("members:branch_moves", args=[letter.branch_id]) + "#letters"

    return form_page(
        request,
        form=form,
        title=_("Correct the transfer letter of %(name)s (%(date)s)")
        % {"name": letter.member.name, "date": letter.issued_on},
        intro=_(
            "The letter as recorded stays in its history. Its date is not corrected: a letter "
            "with another date is a new letter."
        ),
        cancel_url=reverse("members:branch_moves", args=[letter.branch_id]) + "#letters",
        on_valid=save,
        success_message=_("The transfer letter was corrected."),
    )


def _letter_page(request, letter_pk: int, *, arrival: bool):
    letter = moves.letter_get_for_user(user=request.user, pk=letter_pk)
    rejected = letter.transfer is not None and letter.transfer.status == Transfer.Status.REJECTED
    if letter.receipt_on is not None or rejected:
        raise PermissionDenied
    form = EndDateForm(
        request.POST or None,
        label=_("reported at the destination on") if arrival else _("receipt returned on"),
    )

    def save(f):
        if arrival:
            moves.letter_arrival_record(letter=letter, on=f.cleaned_data["on"])
        else:
            moves.letter_receipt_record(letter=letter, on=f.cleaned_data["on"], actor=request.user)
        return reverse("members:branch_moves", args=[letter.branch_id])

    if arrival:
        title = _("%(name)s reported at %(to)s")
    elif letter.is_outgoing:
        title = _("The receipt of %(name)s's letter came back from %(to)s")
    else:
        title = _("The receipt of %(name)s's letter was returned to %(from)s")
    return form_page(
        request,
        form=form,
        title=title
        % {
            "name": letter.member.name,
            "to": letter.to_organisation,
            "from": letter.from_organisation,
        },
        intro=_(
            "On the receipt the member's participation in %(branch)s ends that day and the "
            "relation sits at %(to)s."
        )
        % {"branch": letter.branch.name, "to": letter.to_organisation}
        if letter.is_outgoing and not arrival
        else "",
        cancel_url=reverse("members:branch_moves", args=[letter.branch_id]),
        on_valid=save,
        success_message=_("The arrival was recorded.")
        if arrival
        else _("The receipt was recorded."),
    )


@require_http_methods(["GET", "POST"])
def letter_arrival(request, letter_pk: int):
    return _letter_page(request, letter_pk, arrival=True)


@require_http_methods(["GET", "POST"])
def letter_receipt(request, letter_pk: int):
    return _letter_page(request, letter_pk, arrival=False)


@require_http_methods(["GET", "POST"])
def certificate_record(request, pk: int):
    member = _managed_member(request, pk)
    if not member.is_floating:
        raise PermissionDenied
    form = CertificateForm(request.POST or None)

    def save(f):
        moves.floating_certificate_record(member=member, actor=request.user, **f.cleaned_data)
        return member.get_absolute_url() + "#certificates"

    return form_page(
        request,
        form=form,
        title=_("Floating member's activity certificate of %(name)s") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The certificate was recorded."),
    )
