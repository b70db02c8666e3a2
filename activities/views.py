"""Organisational-life pages. Reads go through the selectors (scoped), writes through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_street_staff, restrict
from accounts.models import AccessRecord
from accounts.services import filters_of, record_access
from activities import ledger, services
from activities.compliance import behind_branch_ids, branches_in_year, compliance_grid
from activities.filters import ActivityFilter, BranchScopeFilter, LedgerFilter, SuggestionFilter
from activities.forms import (
    ActivityLogForm,
    BrandForm,
    RuleForm,
    SuggestionForm,
    SuggestionMoveForm,
)
from activities.models import Brand
from activities.selectors import (
    ACTIVITY_ORDER,
    activity_figures_for_page,
    activity_get_for_user,
    activity_list_for_user,
    attendance_of,
    brand_figures_for_page,
    brand_list_for_user,
    campaign_branches_for_user,
    campaign_figures_for_page,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_rollup,
    ledger_logs_for_user,
    pending_photos_of,
    photo_get_for_user,
    rule_get_for_user,
    rule_list_for_user,
    suggestion_figures_for_page,
    suggestion_get_for_user,
    suggestion_list_for_user,
    suggestion_stats_by_project,
    suggestion_steps,
)
from branches.models import Branch
from branches.selectors import branch_get_for_user
from core.files import open_stored
from core.forms import add_service_errors, options_on_demand
from core.pages import form_page
from core.pagination import paginate, paginate_keyset
from core.xlsx import xlsx_response
from projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _working_branches(user):
    return restrict(
        Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("name"), user, branch_path="id"
    )


# Activity logs -----------------------------------------------------------------------------------


@require_GET
def activity_list(request):
    activity_filter = ActivityFilter(
        request.GET, queryset=activity_list_for_user(user=request.user), request=request
    )
    if answer := options_on_demand(request, activity_filter):
        return answer
    page = paginate_keyset(request, activity_filter.qs, ordering=ACTIVITY_ORDER)
    activity_figures_for_page(page)
    return render(
        request, "activities/activity_list.html", {"filter": activity_filter, "page": page}
    )


@require_GET
def activity_ledger(request):
    """The filtered logs as a ledger, streamed. The street's whole history is asked for year by
    year: street staff naming neither a branch nor a period get the current year."""
    params = request.GET.copy()
    asks_for_period = any(params.get(name) for name in ("year", "held_from", "held_until"))
    if is_street_staff(request.user) and not asks_for_period and not params.get("branch"):
        params["year"] = str(timezone.localdate().year)
    ledger_filter = LedgerFilter(
        params, queryset=ledger_logs_for_user(user=request.user), request=request
    )
    logs = ledger_filter.qs
    if (
        is_street_staff(request.user)
        and not params.get("branch")
        and not _within_a_year(getattr(ledger_filter.form, "cleaned_data", {}))
    ):
        # Years of the whole street would run for minutes, past what a request may take.
        messages.warning(
            request,
            _(
                "The street's ledger covers at most a year at a time: choose a year, dates less "
                "than a year apart, or a branch."
            ),
        )
        return redirect(f"{reverse('activities:list')}?{request.GET.urlencode()}")
    year = params.get("year", "")
    period = year if year.isdigit() else timezone.localdate().isoformat()
    record_access(
        request=request,
        action=AccessRecord.Action.EXPORT,
        object_type="activities.Activity",
        object_label=_("Activity ledger"),
        detail=filters_of(request) or f"year={year}",
    )
    return xlsx_response(ledger.export_ledger(logs), filename=f"activity-ledger-{period}.xlsx")


def _within_a_year(period: dict) -> bool:
    if period.get("year"):
        return True
    start, end = period.get("held_from"), period.get("held_until") or timezone.localdate()
    return start is not None and (end - start).days <= 366


def _save_activity(request, form, *, log=None):
    """Save the form through the services; photos and an immediate submit in the same step."""
    with transaction.atomic():
        if log is None:
            log = services.activity_log_create(
                log=form.instance,
                attendance=form.attendance(),
                actor=request.user,
                submission_token=form.cleaned_data.get("submission_token"),
            )
            if log is not form.instance:
                return log  # the same form sent again: the first send saved it all
        else:
            services.activity_log_update(
                log=form.instance, attendance=form.attendance(), actor=request.user
            )
        for upload in form.cleaned_data.get("photos") or []:
            try:
                services.photo_add(log=log, upload=upload, actor=request.user)
            except ValidationError as error:
                raise ValidationError({"photos": error.messages}) from error
        for pending in form.cleaned_data.get("kept_photos") or []:
            services.pending_photo_attach(pending=pending, log=log, actor=request.user)
        if "submit" in request.POST and log.is_draft:
            log = services.activity_log_submit(log=log, actor=request.user)
    return log


def _let_go_of_removed_photos(request, form) -> None:
    """The kept photos the user took off the form (offered, then unticked) are deleted."""
    offered = set(request.POST.getlist("offered_photos"))
    kept = {str(p.pk) for p in form.kept}
    for pending in pending_photos_of(user=request.user, ids=offered - kept):
        services.pending_photo_discard(pending=pending)


def _keep_photos(request, form) -> None:
    """A form sent back with errors keeps the photos chosen on it (checked like any photo)."""
    for upload in form.valid_uploads:
        try:
            form.kept.append(services.pending_photo_keep(upload=upload, user=request.user))
        except ValidationError as error:
            form.add_error("photos", error)


def _post_activity_form(request, form, *, log=None):
    """The saved log, or None when the form is shown again: with its errors (every photo chosen
    kept), or with the attendance marked by a toggle sent without JavaScript."""
    _let_go_of_removed_photos(request, form)
    if mark := request.POST.get("mark"):
        form.is_valid()  # the photos chosen are checked; the rest is checked on saving
        form.mark_attendance(mark)
    elif form.is_valid():
        try:
            return _save_activity(request, form, log=log)
        except ValidationError as error:
            add_service_errors(form, error)
    _keep_photos(request, form)
    return None


# What a link may fill in on a new activity form (a due item on the home page opens the form
# for it).
PREFILL = ("kind", "party_group", "campaign_item", "held_on")


@require_http_methods(["GET", "POST"])
def activity_create(request):
    branches = _working_branches(request.user)
    branch_id = request.GET.get("branch") or (branches[0].pk if len(branches) == 1 else None)
    if branch_id is None:
        return render(request, "activities/choose_branch.html", {"branches": branches})
    try:
        branch = branches.get(pk=int(branch_id))
    except (ValueError, Branch.DoesNotExist) as exc:
        raise Http404 from exc
    form = ActivityLogForm(
        request.POST or None,
        request.FILES or None,
        branch=branch,
        user=request.user,
        initial={name: request.GET[name] for name in PREFILL if request.GET.get(name)},
    )
    if request.method == "POST" and (log := _post_activity_form(request, form)):
        messages.success(
            request,
            _("The activity was submitted.") if not log.is_draft else _("The draft was saved."),
        )
        return redirect(log)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "branch": branch, "title": _("Record an activity"), "log": None},
    )


@require_GET
def activity_detail(request, pk: int):
    log = activity_get_for_user(user=request.user, pk=pk)
    staff = is_street_staff(request.user)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "log": log,
            "attendance": attendance_of(log=log),
            "photos": log.photos.all(),
            "can_edit": log.is_draft or staff,
            "history": log.history.select_related("history_user")[:20] if staff else None,
        },
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    log = activity_get_for_user(user=request.user, pk=pk)
    if not log.is_draft and not is_street_staff(request.user):
        raise PermissionDenied
    form = ActivityLogForm(
        request.POST or None,
        request.FILES or None,
        instance=log,
        branch=log.branch,
        user=request.user,
    )
    if request.method == "POST" and _post_activity_form(request, form, log=log):
        messages.success(request, _("The activity was saved."))
        return redirect(log)
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "branch": log.branch,
            "title": _("Edit %(title)s") % {"title": log.title},
            "log": log,
        },
    )


@require_POST
def activity_submit(request, pk: int):
    log = activity_get_for_user(user=request.user, pk=pk)
    try:
        services.activity_log_submit(log=log, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The activity was submitted."))
    return redirect(log)


@require_POST
def activity_delete(request, pk: int):
    log = activity_get_for_user(user=request.user, pk=pk)
    try:
        services.activity_log_delete_draft(log=log)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(log)
    messages.success(request, _("The draft was deleted."))
    return redirect("activities:list")


@require_GET
def photo(request, pk: int):
    """Photos are served only to users allowed to see their activity."""
    item = photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(open_stored(item.image), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Compliance --------------------------------------------------------------------------------------


@require_GET
def compliance(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    behind_only = request.GET.get("behind") == "1"
    branches = BranchScopeFilter(
        request.GET, queryset=branches_in_year(user=request.user, year=year)
    ).qs
    if behind_only:
        branches = branches.filter(
            pk__in=behind_branch_ids(user=request.user, year=year, today=today)
        )
    page = paginate(request, branches)
    # The grid of the page's branches only: one aggregate over their logs.
    rows = compliance_grid(
        year=year, today=today, branches=Branch.objects.filter(pk__in=[b.pk for b in page])
    )
    due = []
    if not is_street_staff(request.user) and year == today.year:
        due = [(row.branch, row.cells[today.month - 1].missing) for row in rows]
    return render(
        request,
        "activities/compliance.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "years": range(today.year, today.year - 4, -1),
            "months": range(1, 13),
            "behind_only": behind_only,
            "due": due,
        },
    )


# Campaigns, brands, rules ------------------------------------------------------------------------


@require_GET
def campaign_list(request):
    page = paginate(request, campaign_list_for_user(user=request.user))
    campaign_figures_for_page(page)
    return render(request, "activities/campaign_list.html", {"page": page})


@require_GET
def campaign_detail(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    page = paginate(request, campaign_branches_for_user(campaign=campaign, user=request.user))
    return render(
        request,
        "activities/campaign_detail.html",
        {
            "campaign": campaign,
            "page": page,
            "rollup": campaign_rollup(campaign=campaign, branches=page.object_list),
        },
    )


@require_GET
def brand_list(request):
    page = paginate(request, brand_list_for_user(user=request.user))
    brand_figures_for_page(page)
    return render(request, "activities/brand_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def brand_edit(request, branch_pk: int):
    branch = branch_get_for_user(user=request.user, pk=branch_pk)
    brand = Brand.objects.filter(branch=branch).first() or Brand(branch=branch)
    form = BrandForm(request.POST or None, instance=brand, branch=branch)

    def save(f):
        services.brand_save(brand=f.instance, evidence=f.cleaned_data["evidence"])
        return reverse("activities:brands")

    return form_page(
        request,
        form=form,
        title=_("Brand of %(name)s") % {"name": branch.name},
        cancel_url=reverse("activities:brands"),
        on_valid=save,
        success_message=_("The brand was saved."),
    )


@require_GET
def rule_list(request):
    page = paginate(request, rule_list_for_user(user=request.user))
    return render(request, "activities/rule_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def rule_create(request):
    form = RuleForm(
        request.POST or None, request.FILES or None, branches=_working_branches(request.user)
    )

    def save(f):
        services.rule_save(rule=f.instance, document=f.cleaned_data.get("upload"))
        return reverse("activities:rules")

    return form_page(
        request,
        form=form,
        title=_("New rule"),
        cancel_url=reverse("activities:rules"),
        on_valid=save,
        success_message=_("The rule was saved."),
        multipart=True,
    )


@require_GET
def rule_document(request, pk: int):
    rule = rule_get_for_user(user=request.user, pk=pk)
    if not rule.document:
        raise Http404
    content_type = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[rule.document_type]
    return FileResponse(
        open_stored(rule.document),
        content_type=content_type,
        as_attachment=True,
        filename=f"{rule.title}.{rule.document_type}",
    )


# Suggestions -------------------------------------------------------------------------------------


@require_GET
def suggestion_list(request):
    suggestion_filter = SuggestionFilter(
        request.GET, queryset=suggestion_list_for_user(user=request.user), request=request
    )
    if answer := options_on_demand(request, suggestion_filter):
        return answer
    stats = paginate(request, suggestion_stats_by_project(user=request.user), param="projects_page")
    suggestion_figures_for_page(stats)
    return render(
        request,
        "activities/suggestion_list.html",
        {
            "filter": suggestion_filter,
            "page": paginate(request, suggestion_filter.qs),
            "stats": stats,
        },
    )


@require_GET
def suggestion_detail(request, pk: int):
    suggestion = suggestion_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "activities/suggestion_detail.html",
        {"suggestion": suggestion, "steps": suggestion_steps(suggestion=suggestion)},
    )


@require_http_methods(["GET", "POST"])
def suggestion_create(request):
    projects = restrict(
        Project.objects.filter(branches__status=Branch.Status.ACTIVE).distinct().order_by("name"),
        request.user,
        branch_path="branches__id",
    )
    form = SuggestionForm(request.POST or None, projects=projects)

    def save(f):
        suggestion = services.suggestion_submit(
            suggestion=f.instance,
            actor=request.user,
            submission_token=f.cleaned_data.get("submission_token"),
        )
        return suggestion.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Record a suggestion"),
        cancel_url=reverse("activities:suggestions"),
        on_valid=save,
        success_message=_("The suggestion was recorded."),
    )


@require_http_methods(["GET", "POST"])
def suggestion_move(request, pk: int):
    suggestion = suggestion_get_for_user(user=request.user, pk=pk)
    form = SuggestionMoveForm(request.POST or None, suggestion=suggestion)

    def save(f):
        services.suggestion_move(suggestion=suggestion, actor=request.user, **f.cleaned_data)
        return suggestion.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Next step of the suggestion"),
        cancel_url=suggestion.get_absolute_url(),
        on_valid=save,
        success_message=_("The step was recorded."),
    )
