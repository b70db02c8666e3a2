"""Member pages. Reads go through the selectors (scoped), writes through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import is_street_staff, street_staff_required
from accounts.models import AccessRecord
from accounts.services import filters_of, record_access
from branches.models import Branch, Seat
from branches.selectors import branch_get_for_user
from core.forms import EndDateForm, options_on_demand
from core.pages import form_page
from core.pagination import is_filtered, paginate, paginate_keyset
from core.xlsx import xlsx_response
from members import dues, elections, moves, recruitment, roster, services
from members.filters import MemberFilter, TransferScopeFilter
from members.forms import (
    CandidateFormSet,
    ElectionAppointForm,
    ElectionForm,
    JoinForm,
    LeaveForm,
    MemberDecisionForm,
    MemberEditForm,
    MemberRegisterForm,
    MoveForm,
    PioneerPostForm,
    RosterImportForm,
    TransferRequestForm,
    TransferStepForm,
    branches_for,
)
from members.models import Member, MemberDecision
from members.selectors import (
    MEMBER_ORDER,
    current_participation,
    days_so_far_for_page,
    member_count_for_user,
    member_get_for_user,
    member_history,
    member_is_managed_by,
    member_list_for_user,
    participation_history,
    post_get_for_user,
    posts_of_member,
    transfer_figures_for_page,
    transfer_get_for_user,
    transfer_overview_branches,
    transfers_in_progress_for_user,
    transfers_of_member,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managed_member(request, pk: int):
    """A member the user may change: 404 outside their scope, 403 for one who has moved on."""
    member = member_get_for_user(user=request.user, pk=pk)
    if not member_is_managed_by(user=request.user, member=member):
        raise PermissionDenied
    return member


def _current_or_403(member):
    participation = current_participation(member)
    if participation is None:
        raise PermissionDenied  # the page offers this only to a member active in a branch
    return participation


@require_GET
def member_list(request):
    member_filter = MemberFilter(
        request.GET, queryset=member_list_for_user(user=request.user), request=request
    )
    if answer := options_on_demand(request, member_filter):
        return answer
    total = None if is_filtered(request.GET) else member_count_for_user(user=request.user)
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": paginate_keyset(request, member_filter.qs, ordering=MEMBER_ORDER, count=total),
        },
    )


def _detail_context(request, member, *, revealed: bool = False) -> dict:
    manages = member_is_managed_by(user=request.user, member=member)
    staff = is_street_staff(request.user)
    return {
        "member": member,
        "current": current_participation(member),
        "participations": participation_history(member=member),
        "transfers": transfers_of_member(member=member),
        "posts": posts_of_member(member=member),
        "can_manage": manages,
        # The full ID number and phone only after "show", which the access log records.
        "can_reveal": manages,
        "revealed": revealed,
        "history": member_history(member=member) if staff else None,
        "dues": dues.member_dues_context(member=member, today=timezone.localdate()),
        "letters_out": moves.letters_of_member(member=member).filter(direction="out"),
        "certificates": moves.certificates_of_member(member=member),
        "today": timezone.localdate(),
        # The way in (发展党员) of a member admitted through the portal: their file of steps.
        "candidacy": recruitment.candidacy_of(member=member),
    }


@require_GET
def member_detail(request, pk: int):
    member = member_get_for_user(user=request.user, pk=pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@require_http_methods(["GET", "POST"])
def member_personal_data(request, pk: int):
    """Show the member's full ID number and phone (recorded in the access log): the two values
    for the page's htmx request, else the whole page with them. Opened as a link (a bookmark, a
    reload), it leads to the member's page, where "show" is pressed: a view of personal data is
    always a deliberate act."""
    if request.method == "GET":
        member = member_get_for_user(user=request.user, pk=pk)
        messages.info(
            request,
            _('The full numbers are shown after pressing "Show full numbers" on this page.'),
        )
        return redirect(member)
    member = _managed_member(request, pk)
    record_access(request=request, action=AccessRecord.Action.VIEW_PERSONAL_DATA, obj=member)
    if request.htmx:
        return render(request, "members/_personal_data.html", {"member": member, "revealed": True})
    return render(
        request, "members/member_detail.html", _detail_context(request, member, revealed=True)
    )


@require_http_methods(["GET", "POST"])
def member_create(request):
    form = MemberRegisterForm(request.POST or None, user=request.user)

    def save(f):
        data = f.cleaned_data
        member = services.member_register(
            member=f.instance,
            branch=data["branch"],
            party_group=data["party_group"],
            joined_on=data["joined_on"],
            submission_token=data["submission_token"],
        )
        return member.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("New member"),
        cancel_url=reverse("members:list"),
        on_valid=save,
        success_message=_("The member was recorded."),
    )


@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    member = _managed_member(request, pk)
    form = MemberEditForm(request.POST or None, instance=member)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=lambda f: services.member_update(member=f.instance).get_absolute_url(),
        success_message=_("The member was saved."),
    )


@require_http_methods(["GET", "POST"])
def member_move(request, pk: int):
    member = _managed_member(request, pk)
    form = MoveForm(request.POST or None, user=request.user)

    def save(f):
        services.participation_move(member=member, **f.cleaned_data)
        return member.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Move %(name)s to another branch or Party group") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The move was recorded."),
    )


@require_http_methods(["GET", "POST"])
def member_leave(request, pk: int):
    member = _managed_member(request, pk)
    participation = _current_or_403(member)
    form = LeaveForm(request.POST or None)

    def save(f):
        services.participation_end(
            participation=participation,
            left_on=f.cleaned_data["left_on"],
            reason=f.cleaned_data["reason"],
        )
        return member.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("%(name)s leaves %(branch)s")
        % {"name": member.name, "branch": participation.branch},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The departure was recorded."),
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def member_join(request, pk: int):
    """A member who left (or never joined) starts taking part in a branch again."""
    member = member_get_for_user(user=request.user, pk=pk)
    if current_participation(member) is not None:
        raise PermissionDenied
    form = JoinForm(request.POST or None, user=request.user)

    def save(f):
        services.participation_start(member=member, **f.cleaned_data)
        return member.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("%(name)s joins a branch") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The member joined the branch."),
    )


# Transfers ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def transfer_request(request, pk: int):
    member = _managed_member(request, pk)
    participation = _current_or_403(member)
    # Reached from the six-month flag too: prefilled with the member's home organisation.
    form = TransferRequestForm(
        request.POST or None,
        initial={
            "from_organisation": member.home_organisation.name if member.home_organisation else ""
        },
    )

    def save(f):
        services.transfer_request(
            member=member, to_branch=participation.branch, actor=request.user, **f.cleaned_data
        )
        return member.get_absolute_url() + "#transfers"

    return form_page(
        request,
        form=form,
        title=_("Transfer %(name)s's organisational relation into %(branch)s")
        % {"name": member.name, "branch": participation.branch},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The transfer was requested."),
    )


@require_http_methods(["GET", "POST"])
def transfer_step(request, transfer_pk: int):
    transfer = transfer_get_for_user(user=request.user, pk=transfer_pk)
    member = transfer.member
    if not transfer.is_open:
        raise PermissionDenied
    form = TransferStepForm(request.POST or None, transfer=transfer)

    def save(f):
        services.transfer_advance(transfer=transfer, actor=request.user, **f.cleaned_data)
        return member.get_absolute_url() + "#transfers"

    return form_page(
        request,
        form=form,
        title=_("Next step of %(name)s's transfer") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The step was recorded."),
    )


@street_staff_required
@require_GET
def transfers(request):
    branches = paginate(request, transfer_overview_branches(user=request.user))
    transfer_figures_for_page(branches, user=request.user)
    in_progress = paginate(
        request,
        TransferScopeFilter(
            request.GET, queryset=transfers_in_progress_for_user(user=request.user)
        ).qs,
        param="transfers_page",
    )
    today = timezone.localdate()
    days_so_far_for_page(in_progress, today=today)
    flags = moves.flags_by_branch([branch.pk for branch in branches.object_list], today=today)
    for branch in branches.object_list:
        branch.move_flags = flags[branch.pk]
    letters = paginate(
        request,
        moves.flagged_letters_for_user(user=request.user, today=today),
        param="letters_page",
    )
    letters.object_list = list(letters.object_list)
    moves.mark_flags(letters.object_list, today=today)
    return render(
        request,
        "members/transfer_overview.html",
        {"page": branches, "in_progress": in_progress, "letters": letters},
    )


# Pioneer posts -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def post_assign(request, pk: int):
    member = _managed_member(request, pk)
    current = current_participation(member)
    form = PioneerPostForm(
        request.POST or None,
        user=request.user,
        initial={"project": current.branch.project_id if current else None},
    )

    def save(f):
        services.pioneer_post_assign(member=member, **f.cleaned_data)
        return member.get_absolute_url() + "#posts"

    return form_page(
        request,
        form=form,
        title=_("A pioneer post for %(name)s") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        on_valid=save,
        success_message=_("The pioneer post was recorded."),
    )


@require_http_methods(["GET", "POST"])
def post_end(request, post_pk: int):
    post = post_get_for_user(user=request.user, pk=post_pk)
    form = EndDateForm(request.POST or None, label=_("ended on"))

    def save(f):
        services.pioneer_post_end(post=post, ended_on=f.cleaned_data["on"])
        return post.member.get_absolute_url() + "#posts"

    return form_page(
        request,
        form=form,
        title=_("End the post %(title)s") % {"title": post.title},
        cancel_url=post.member.get_absolute_url(),
        on_valid=save,
        success_message=_("The post was ended."),
        danger=True,
    )


# Roster files ------------------------------------------------------------------------------------


@require_GET
def roster_template(request):
    workbook = roster.build_template(
        branch_names=branches_for(request.user).values_list("name", flat=True)
    )
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    workbook.save(response)
    return response


@require_http_methods(["GET", "POST"])
def roster_import(request):
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors = []
    imported = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = roster.import_roster(upload, user=request.user)
        except roster.RosterInvalid as invalid:
            errors = invalid.errors
        record_access(
            request=request,
            action=AccessRecord.Action.IMPORT,
            object_type=Member._meta.label,
            object_label=upload.name,
            result=AccessRecord.Result.FAILURE if errors else AccessRecord.Result.SUCCESS,
            detail=f"{len(errors)} errors" if errors else f"{imported} members",
        )
    return render(
        request,
        "members/roster_import.html",
        {"form": form, "errors": errors, "imported": imported},
    )


@require_GET
def roster_export(request):
    member_filter = MemberFilter(
        request.GET, queryset=member_list_for_user(user=request.user), request=request
    )
    record_access(
        request=request,
        action=AccessRecord.Action.EXPORT,
        object_type=Member._meta.label,
        object_label=_("Roster"),
        detail=filters_of(request),
    )
    stamp = timezone.localdate().isoformat()
    return xlsx_response(roster.export_roster(member_filter.qs), filename=f"roster-{stamp}.xlsx")


# Elections and decisions of the branch general meeting -------------------------------------------


def _open_branch(request, pk: int) -> Branch:
    branch = branch_get_for_user(user=request.user, pk=pk)
    if branch.status != Branch.Status.ACTIVE:
        raise PermissionDenied
    return branch


@require_GET
def election_list(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    page = paginate(request, elections.elections_of_branch(branch=branch))
    decisions = paginate(
        request, elections.decisions_of_branch(branch=branch), param="decisions_page"
    )
    for election in page.object_list:
        election.verdict = elections.election_quorum(election)
    for decision in decisions.object_list:
        decision.verdict = elections.member_decision_verdict(decision)
    return render(
        request,
        "members/election_list.html",
        {
            "branch": branch,
            "page": page,
            "decisions": decisions,
            "is_active": branch.status == Branch.Status.ACTIVE,
        },
    )


@require_http_methods(["GET", "POST"])
def election_create(request, pk: int):
    branch = _open_branch(request, pk)
    voters = elections.entitled_voters(branch=branch, on=timezone.localdate())
    form = ElectionForm(request.POST or None, voters=voters)
    candidates = CandidateFormSet(
        request.POST or None, prefix="candidates", form_kwargs={"voters": voters}
    )
    if request.method == "POST" and form.is_valid() and candidates.is_valid():
        rows = [
            (row["member"], row["votes"])
            for row in candidates.cleaned_data
            if row.get("member") is not None
        ]
        data = form.cleaned_data
        try:
            election = elections.election_record(
                branch=branch,
                held_on=data["held_on"],
                seats=data["seats"],
                contested=data["contested"],
                term_years=data["term_years"],
                present=list(data["present"]),
                candidates=rows,
                note=data["note"],
                recorded_by=request.user,
                submission_token=data["submission_token"],
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            candidate_errors = errors.pop("candidates", [])
            if candidate_errors:
                candidates._non_form_errors = candidates.error_class(candidate_errors)
            for field, texts in errors.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(request, _("The election was recorded."))
            return redirect(election.get_absolute_url())
    return render(
        request,
        "members/election_form.html",
        {"branch": branch, "form": form, "candidates": candidates},
    )


@require_GET
def election_detail(request, election_pk: int):
    election = elections.election_get_for_user(user=request.user, pk=election_pk)
    outcome = elections.election_outcome(election)
    return render(
        request,
        "members/election_detail.html",
        {
            "election": election,
            "branch": election.branch,
            "verdict": elections.election_quorum(election),
            "outcome": outcome,
            "present": election.present.order_by("name", "pk"),
            "absent": election.entitled.exclude(pk__in=election.present.all()).order_by(
                "name", "pk"
            ),
            "can_appoint": is_street_staff(request.user)
            and election.appointed_on is None
            and election.branch.status == Branch.Status.ACTIVE
            and any(o.status == "elected" for o in outcome),
        },
    )


@street_staff_required(within=("members.Election", "election_pk", "branch_id"))
@require_http_methods(["GET", "POST"])
def election_appoint(request, election_pk: int):
    election = elections.election_get_for_user(user=request.user, pk=election_pk)
    elected = election.candidates.filter(
        pk__in=[
            o.candidate.pk for o in elections.election_outcome(election) if o.status == "elected"
        ]
    ).select_related("member")
    current = (
        Seat.objects.held_on(timezone.localdate())
        .filter(branch=election.branch, kind=Seat.Kind.SECRETARY, user__isnull=False)
        .select_related("user")
        .first()
    )
    form = ElectionAppointForm(
        request.POST or None, elected=elected, current_user=current.user if current else None
    )
    return form_page(
        request,
        form=form,
        title=_("Appoint the result of the election of %(date)s") % {"date": election.held_on},
        intro=_(
            "The branch's open seats end on this date; those elected take their seats, and the "
            "new term of %(years)s years begins."
        )
        % {"years": election.term_years},
        cancel_url=election.get_absolute_url(),
        on_valid=lambda f: elections.election_appoint(
            election=election, **f.cleaned_data
        ).branch.get_absolute_url(),
        success_message=_("The result was appointed: the seats and the new term are open."),
    )


def _decision_about(request, branch: Branch) -> dict:
    """Opened from a candidate's page (?candidate=): the decision is about them, their name not
    typed again."""
    try:
        candidate_pk = int(request.GET.get("candidate", ""))
    except ValueError:
        return {}
    candidate = recruitment.candidate_get_for_user(user=request.user, pk=candidate_pk)
    if candidate.branch_id != branch.pk:
        return {}
    if candidate.member_id:
        return {"kind": MemberDecision.Kind.FULL_MEMBERSHIP, "member": candidate.member_id}
    return {"kind": MemberDecision.Kind.ADMISSION, "subject_name": candidate.name}


@require_http_methods(["GET", "POST"])
def decision_create(request, pk: int):
    branch = _open_branch(request, pk)
    today = timezone.localdate()
    voters = elections.entitled_voters(branch=branch, on=today)
    probationary = Member.objects.filter(
        standing=Member.Standing.PROBATIONARY,
        participations__branch=branch,
        participations__left_on__isnull=True,
    ).order_by("name")
    form = MemberDecisionForm(
        request.POST or None,
        voters=voters,
        probationary=probationary,
        initial=_decision_about(request, branch),
    )

    def save(f):
        data = dict(f.cleaned_data)
        data["present"] = list(data["present"])
        elections.member_decision_record(branch=branch, recorded_by=request.user, **data)
        return reverse("members:elections", args=[branch.pk]) + "#decisions"

    return form_page(
        request,
        form=form,
        title=_("Record a decision of the branch general meeting"),
        intro=_(
            "A decision on a member (admission, full membership) is valid when more than half "
            "of the full members attend and more than half of them vote in favour."
        ),
        cancel_url=reverse("members:elections", args=[branch.pk]),
        on_valid=save,
        success_message=_("The decision was recorded."),
    )
