"""Party organisation pages. Secretaries read their branch and manage its Party groups; street
staff do everything else. Reads go through the selectors (scoped), writes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_street_staff, street_staff_required
from accounts.models import AccessRecord
from accounts.services import record_access
from branches import services
from branches.forms import (
    BranchEditForm,
    BranchEstablishForm,
    DissolveForm,
    PartyGroupForm,
    SeatForm,
    TermForm,
    TransformForm,
)
from branches.models import Archive, Branch, PartyCommittee
from branches.selectors import (
    archives_of_branch,
    attach_setup_problems,
    branch_figures_for_page,
    branch_get_for_user,
    branch_list_for_user,
    coverage_for_street,
    current_term,
    party_group_get_for_user,
    party_groups_of_branch,
    seat_get_for_user,
    seat_history_for_branch,
)
from core.files import open_stored
from core.forms import EndDateForm
from core.pages import form_page
from core.pagination import paginate


@require_GET
def branch_list(request):
    branches = branch_list_for_user(user=request.user)
    status = request.GET.get("status")
    if status in Branch.Status.values:
        branches = branches.filter(status=status)
    page = paginate(request, branches)
    branch_figures_for_page(page)
    return render(
        request,
        "branches/branch_list.html",
        {
            "page": page,
            "statuses": Branch.Status.choices,
            "status": status,
            "can_edit": is_street_staff(request.user),
        },
    )


@require_GET
def branch_detail(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    attach_setup_problems([branch])
    return render(
        request,
        "branches/branch_detail.html",
        {
            "branch": branch,
            "term": current_term(branch=branch),
            "seats": seat_history_for_branch(branch=branch),
            "party_groups": party_groups_of_branch(branch=branch),
            "can_edit": is_street_staff(request.user),
            "is_active": branch.status == Branch.Status.ACTIVE,
            "archives": paginate(request, archives_of_branch(branch=branch), param="archives_page")
            if is_street_staff(request.user)
            else None,
        },
    )


@street_staff_required
@require_GET
def coverage(request):
    coverage = coverage_for_street()
    return render(
        request,
        "branches/coverage.html",
        {"coverage": coverage, "page": paginate(request, coverage["uncovered_projects"])},
    )


@street_staff_required
@require_http_methods(["GET", "POST"])
def branch_establish(request):
    initial = {}
    if request.GET.get("project", "").isdigit():
        initial["project"] = int(request.GET["project"])
    form = BranchEstablishForm(request.POST or None, initial=initial)
    committee = PartyCommittee.objects.order_by("pk").first()

    def save(f):
        if committee is None:
            raise ValidationError(_("Record the Project Party Committee in the admin first."))
        return services.branch_establish(committee=committee, **f.cleaned_data).get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Establish a project branch"),
        cancel_url=reverse("branches:list"),
        on_valid=save,
        success_message=_("The branch was established."),
    )


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_http_methods(["GET", "POST"])
def branch_edit(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = BranchEditForm(request.POST or None, instance=branch)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.branch_update(branch=f.instance).get_absolute_url(),
        success_message=_("The branch was saved."),
    )


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_http_methods(["GET", "POST"])
def branch_transform(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = TransformForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("Transform %(name)s") % {"name": branch.name},
        intro=_(
            "The project is completed and its Party building carries on in another form. Open "
            "seats end and active groups are dissolved on that date; everything the branch "
            "recorded stays readable."
        ),
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.branch_transform(
            branch=branch, **f.cleaned_data
        ).get_absolute_url(),
        success_message=_("The branch was transformed."),
        danger=True,
    )


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_http_methods(["GET", "POST"])
def branch_dissolve(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = DissolveForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("Dissolve %(name)s") % {"name": branch.name},
        intro=_("Open seats end and active groups are dissolved on that date."),
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.branch_dissolve(
            branch=branch, **f.cleaned_data
        ).get_absolute_url(),
        success_message=_("The branch was dissolved."),
        danger=True,
    )


# Seats -------------------------------------------------------------------------------------------


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_http_methods(["GET", "POST"])
def seat_appoint(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = SeatForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("Appoint to a seat of %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.seat_appoint(
            branch=branch, **f.cleaned_data
        ).branch.get_absolute_url(),
        success_message=_("The appointment was recorded."),
    )


@street_staff_required(within=("branches.Seat", "seat_pk", "branch_id"))
@require_http_methods(["GET", "POST"])
def seat_end(request, seat_pk: int):
    seat = seat_get_for_user(user=request.user, pk=seat_pk)
    form = EndDateForm(request.POST or None, label=_("ended on"))
    return form_page(
        request,
        form=form,
        title=_("End the seat of %(name)s") % {"name": seat.holder_name},
        cancel_url=seat.branch.get_absolute_url(),
        on_valid=lambda f: services.seat_end(
            seat=seat, ended_on=f.cleaned_data["on"]
        ).branch.get_absolute_url(),
        success_message=_("The seat was ended."),
        danger=True,
    )


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_http_methods(["GET", "POST"])
def term_record(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = TermForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("Record the current term of %(name)s") % {"name": branch.name},
        intro=_(
            "For a committee elected before its elections were recorded here: the term it is "
            "serving. An election recorded and appointed here opens its term by itself."
        ),
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.term_open(
            branch=branch, **f.cleaned_data
        ).branch.get_absolute_url(),
        success_message=_("The term was recorded."),
    )


# Party groups ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def party_group_create(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    form = PartyGroupForm(request.POST or None, branch=branch)
    return form_page(
        request,
        form=form,
        title=_("New Party group in %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        on_valid=lambda f: services.party_group_create(
            branch=branch, **f.cleaned_data
        ).get_absolute_url(),
        success_message=_("The Party group was set up."),
    )


@require_http_methods(["GET", "POST"])
def party_group_edit(request, group_pk: int):
    group = party_group_get_for_user(user=request.user, pk=group_pk)
    form = PartyGroupForm(request.POST or None, instance=group, branch=group.branch)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": group.name},
        cancel_url=group.get_absolute_url(),
        on_valid=lambda f: services.party_group_update(group=f.instance).get_absolute_url(),
        success_message=_("The Party group was saved."),
    )


@require_http_methods(["GET", "POST"])
def party_group_dissolve(request, group_pk: int):
    group = party_group_get_for_user(user=request.user, pk=group_pk)
    form = EndDateForm(request.POST or None, label=_("dissolved on"))
    return form_page(
        request,
        form=form,
        title=_("Dissolve %(name)s") % {"name": group.name},
        cancel_url=group.get_absolute_url(),
        on_valid=lambda f: services.party_group_dissolve(
            group=group, on=f.cleaned_data["on"]
        ).get_absolute_url(),
        success_message=_("The Party group was dissolved."),
        danger=True,
    )


# Handover archive ---------------------------------------------------------------------------------


@street_staff_required(within=("branches.Branch", "pk", "id"))
@require_POST
def archive_request(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    item = services.archive_request(branch=branch, actor=request.user)
    item.job.refresh_from_db()
    if item.waiting_for_queue:
        messages.warning(
            request,
            _(
                "The background queue is unavailable just now. The archive request is saved and "
                "the archive will be built as soon as the queue is back."
            ),
        )
    else:
        messages.success(request, _("The handover archive is being built."))
    return redirect(branch.get_absolute_url() + "#archives")


@street_staff_required(within=("branches.Archive", "archive_pk", "branch_id"))
@require_GET
def archive_status(request, archive_pk: int):
    """The archive's row, polled by the page (htmx) while it is being built."""
    item = get_object_or_404(Archive.objects.select_related("branch", "job"), pk=archive_pk)
    return render(request, "branches/_archive.html", {"archive": item})


@street_staff_required(within=("branches.Archive", "archive_pk", "branch_id"))
@require_GET
def archive_download(request, archive_pk: int):
    item = get_object_or_404(Archive, pk=archive_pk, status=Archive.Status.DONE)
    record_access(
        request=request, action=AccessRecord.Action.EXPORT, obj=item, object_label=str(item.branch)
    )
    stamp = timezone.localdate(item.finished_at).isoformat()
    return FileResponse(
        open_stored(item.file),
        as_attachment=True,
        filename=f"handover-{item.branch_id}-{stamp}.zip",
        content_type="application/zip",
    )
