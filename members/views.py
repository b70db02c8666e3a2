"""Member pages. Reads go through the selectors (scoped), writes through the services."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_street_staff, street_staff_required
from accounts.models import AccessRecord
from accounts.services import filters_of, record_access
from core.forms import EndDateForm, options_on_demand
from core.pages import form_page
from core.pagination import paginate, paginate_keyset
from core.xlsx import xlsx_response
from members import dues, roster, services
from members.filters import MemberFilter
from members.forms import (
    JoinForm,
    LeaveForm,
    MemberEditForm,
    MemberRegisterForm,
    MoveForm,
    PioneerPostForm,
    RosterImportForm,
    TransferRequestForm,
    TransferStepForm,
    branches_for,
)
from members.models import Member
from members.selectors import (
    MEMBER_ORDER,
    current_participation,
    days_so_far_for_page,
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
    return render(
        request,
        "members/member_list.html",
        {
            "filter": member_filter,
            "page": paginate_keyset(request, member_filter.qs, ordering=MEMBER_ORDER),
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
    }


@require_GET
def member_detail(request, pk: int):
    member = member_get_for_user(user=request.user, pk=pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@require_POST
def member_personal_data(request, pk: int):
    """Show the member's full ID number and phone (recorded in the access log): the two values
    for the page's htmx request, else the whole page with them."""
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
    form = TransferRequestForm(request.POST or None)

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
        request, transfers_in_progress_for_user(user=request.user), param="transfers_page"
    )
    days_so_far_for_page(in_progress, today=timezone.localdate())
    return render(
        request,
        "members/transfer_overview.html",
        {"page": branches, "in_progress": in_progress},
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
