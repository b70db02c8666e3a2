"""Assessment pages. Reads go through the selectors (scoped), writes through the services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import is_street_staff, street_staff_required
from accounts.models import AccessRecord
from accounts.services import record_access
from assessments import ledger, services
from assessments.forms import (
    CriterionForm,
    CycleForm,
    InspectionForm,
    ScoreEvidenceForm,
    ScoreForm,
    TaskForm,
    VersionForm,
)
from assessments.models import Criterion, Cycle, RuleVersion, Score
from assessments.selectors import (
    criteria_tree,
    cycle_branches_for_user,
    cycle_figures_for_page,
    cycle_get_for_user,
    cycle_list_for_user,
    delivery_get,
    evidence_choices,
    evidence_counts_for_user,
    failing_deliveries,
    failing_reminder_count,
    inspection_get_for_user,
    inspections_for_user,
    notifications_for,
    published_results,
    scores_for,
    task_get_for_user,
    tasks_for_user,
    version_figures_for_page,
    version_list,
)
from branches.selectors import branch_get_for_user
from core.forms import EndDateForm, add_service_errors
from core.pages import form_page
from core.pagination import paginate
from core.xlsx import xlsx_response


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def cycle_list(request):
    page = paginate(request, cycle_list_for_user(user=request.user))
    cycle_figures_for_page(page)
    return render(
        request,
        "assessments/cycle_list.html",
        {
            "page": page,
            "can_edit": is_street_staff(request.user),
        },
    )


@require_GET
def cycle_detail(request, pk: int):
    """The cycle's phases and each branch's progress, a page of branches at a time."""
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    staff = is_street_staff(request.user)
    return render(
        request,
        "assessments/cycle_detail.html",
        {
            "cycle": cycle,
            "page": paginate(request, cycle_branches_for_user(cycle=cycle, user=request.user)),
            "tasks": paginate(
                request, tasks_for_user(cycle=cycle, user=request.user), param="tasks_page"
            ),
            "inspections": paginate(
                request,
                inspections_for_user(cycle=cycle, user=request.user),
                param="inspections_page",
            ),
            "can_edit": staff,
            "leaf_count": len(services.hand_scored_leaves_of(cycle.version)),
        },
    )


@require_GET
def cycle_results(request, pk: int):
    """The published ranking for everyone in the cycle; before publication, for street staff,
    the results as they stand. A page of branches at a time, ranked over all of them."""
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    published = cycle.status == Cycle.Status.PUBLISHED
    if published:
        page = paginate(request, published_results(cycle=cycle))
        chart = [
            {
                "branch": r.branch.name,
                "party": float(r.party_score),
                "construction": float(r.construction_score),
                "total": float(r.total),
            }
            for r in page
        ]
    elif is_street_staff(request.user):
        page = paginate(request, services.results_preview(cycle=cycle))
        chart = []
    else:
        raise PermissionDenied  # before publication the comparison is the committee's
    rows = page.object_list = list(page.object_list)
    branch_id = (lambda r: r.branch_id) if published else (lambda r: r["branch"].pk)
    counts = evidence_counts_for_user(
        cycle=cycle, user=request.user, branch_ids=[branch_id(r) for r in rows]
    )
    for row in rows:
        # None: a branch the user may not look into (a secretary sees only their own).
        if published:
            row.evidence_count = counts.get(row.branch_id)
        else:
            row["evidence_count"] = counts.get(row["branch"].pk)
    return render(
        request,
        "assessments/cycle_results.html",
        {"cycle": cycle, "page": page, "published": published, "chart": chart},
    )


@street_staff_required
@require_http_methods(["GET", "POST"])
def cycle_create(request):
    form = CycleForm(request.POST or None)

    def save(f):
        cycle = services.cycle_create(cycle=f.instance, branches=f.cleaned_data["branches"])
        return cycle.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("New assessment cycle"),
        cancel_url=reverse("assessments:list"),
        on_valid=save,
        success_message=_("The cycle was deployed."),
    )


@street_staff_required(within=("assessments.Cycle", "pk", "branches__id"))
@require_POST
def cycle_advance(request, pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    try:
        cycle = services.cycle_advance(cycle=cycle)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request,
            _("The cycle moved to the phase: %(phase)s.") % {"phase": cycle.get_status_display()},
        )
    return redirect(cycle)


@street_staff_required(within=("assessments.Cycle", "pk", "branches__id"))
@require_POST
def cycle_publish(request, pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    try:
        services.results_publish(cycle=cycle)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(cycle)
    messages.success(request, _("The results were published."))
    return redirect("assessments:cycle_results", pk=cycle.pk)


@require_GET
def cycle_export(request, pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    if cycle.status != Cycle.Status.PUBLISHED and not is_street_staff(request.user):
        raise PermissionDenied
    # Before publication (street staff only) the results as they stand, marked provisional: the
    # ledger holds what the results page shows.
    provisional = cycle.status != Cycle.Status.PUBLISHED
    chunks = ledger.export_cycle(
        cycle=cycle,
        results=services.results_as_they_stand(cycle=cycle)
        if provisional
        else published_results(cycle=cycle).iterator(chunk_size=2000),
        inspections=inspections_for_user(cycle=cycle, user=request.user).iterator(chunk_size=2000),
        provisional=provisional,
    )
    record_access(request=request, action=AccessRecord.Action.EXPORT, obj=cycle)
    suffix = "-provisional" if provisional else ""
    return xlsx_response(chunks, filename=f"assessment-{cycle.pk}{suffix}.xlsx")


# Tasks and inspections ---------------------------------------------------------------------------


@street_staff_required(within=("assessments.Cycle", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def task_create(request, pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    form = TaskForm(request.POST or None, cycle=cycle)
    return form_page(
        request,
        form=form,
        title=_("Assign a deployment task"),
        cancel_url=cycle.get_absolute_url(),
        on_valid=lambda f: services.task_assign(task=f.instance).cycle.get_absolute_url(),
        success_message=_("The task was assigned."),
    )


@require_http_methods(["GET", "POST"])
def task_done(request, task_pk: int):
    task = task_get_for_user(user=request.user, pk=task_pk)
    form = EndDateForm(request.POST or None, label=_("done on"))
    return form_page(
        request,
        form=form,
        title=_("Done: %(title)s") % {"title": task.title},
        cancel_url=task.cycle.get_absolute_url(),
        on_valid=lambda f: services.task_done(
            task=task, on=f.cleaned_data["on"]
        ).cycle.get_absolute_url(),
        success_message=_("The task was marked done."),
    )


@street_staff_required(within=("assessments.Cycle", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def inspection_create(request, pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    form = InspectionForm(request.POST or None, cycle=cycle)
    return form_page(
        request,
        form=form,
        title=_("Record a joint inspection"),
        cancel_url=cycle.get_absolute_url(),
        on_valid=lambda f: services.inspection_record(
            inspection=f.instance
        ).cycle.get_absolute_url(),
        success_message=_("The inspection was recorded."),
    )


@require_http_methods(["GET", "POST"])
def inspection_rectified(request, inspection_pk: int):
    inspection = inspection_get_for_user(user=request.user, pk=inspection_pk)
    form = EndDateForm(request.POST or None, label=_("rectified on"))
    return form_page(
        request,
        form=form,
        title=_("Rectified: %(branch)s, %(date)s")
        % {"branch": inspection.branch, "date": inspection.held_on},
        cancel_url=inspection.cycle.get_absolute_url(),
        on_valid=lambda f: services.inspection_rectified(
            inspection=inspection, on=f.cleaned_data["on"]
        ).cycle.get_absolute_url(),
        success_message=_("The rectification was recorded."),
    )


# Scoring -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def score(request, pk: int, branch_pk: int):
    """Street staff enter the committee's scores; a secretary their branch's self-scores."""
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    branch = branch_get_for_user(user=request.user, pk=branch_pk)
    as_committee = is_street_staff(request.user)
    leaves = [
        leaf
        for leaf in services.leaves_of(cycle.version)
        if not (as_committee is False and leaf.category == "veto")
    ]
    existing = scores_for(cycle=cycle, branch=branch)
    form = ScoreForm(
        request.POST or None, leaves=leaves, scores=existing, as_committee=as_committee
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(
                cycle=cycle,
                branch=branch,
                values=form.values(),
                shown=form.shown(),
                actor=request.user,
                as_committee=as_committee,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            existing = scores_for(cycle=cycle, branch=branch)
        else:
            messages.success(request, _("The scores were saved."))
            return redirect(cycle)
    values, _unscored = services.leaf_values(cycle, branch)
    computed = {leaf.pk: values.get(leaf.pk) for leaf in leaves if leaf.method == "computed"}
    return render(
        request,
        "assessments/score_form.html",
        {
            "cycle": cycle,
            "branch": branch,
            "form": form,
            "rows": [
                (leaf, s, t, computed.get(leaf.pk), existing.get(leaf.pk))
                for leaf, s, t in form.rows()
            ],
            "as_committee": as_committee,
        },
    )


def _evidence_scope(request, pk: int, branch_pk: int):
    cycle = cycle_get_for_user(user=request.user, pk=pk)
    branch = branch_get_for_user(user=request.user, pk=branch_pk)
    if not cycle.branches.filter(pk=branch.pk).exists():
        raise Http404
    return cycle, branch


@require_http_methods(["GET", "POST"])
def score_evidence(request, pk: int, branch_pk: int, criterion_pk: int):
    """A self-scored item's supporting material: the branch's records of the cycle's period it
    points at, and one optional document. The branch's secretary changes it until the results
    are published; street staff read it."""
    cycle, branch = _evidence_scope(request, pk, branch_pk)
    criterion = get_object_or_404(
        Criterion.objects.filter(version_id=cycle.version_id, children__isnull=True),
        pk=criterion_pk,
    )
    can_edit = not is_street_staff(request.user) and cycle.status != Cycle.Status.PUBLISHED
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    score = scores_for(cycle=cycle, branch=branch).get(criterion.pk)
    form = ScoreEvidenceForm(
        request.POST or None,
        request.FILES or None,
        choices=evidence_choices(cycle=cycle, branch=branch),
        score=score,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.score_evidence_save(
                cycle=cycle,
                branch=branch,
                criterion=criterion,
                activities=form.cleaned_data["activities"],
                suggestions=form.cleaned_data["suggestions"],
                rules=form.cleaned_data["rules"],
                document=form.cleaned_data.get("document"),
                remove_document=form.cleaned_data.get("remove_document", False),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The supporting material was saved."))
            return redirect("assessments:score", cycle.pk, branch.pk)
    return render(
        request,
        "assessments/score_evidence.html",
        {
            "cycle": cycle,
            "branch": branch,
            "criterion": criterion,
            "score": score,
            "form": form,
            "can_edit": can_edit,
        },
    )


@require_GET
def score_evidence_document(request, pk: int, branch_pk: int, criterion_pk: int):
    cycle, branch = _evidence_scope(request, pk, branch_pk)
    score = get_object_or_404(
        Score, cycle=cycle, branch=branch, criterion_id=criterion_pk, evidence_file__gt=""
    )
    content_type = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }[score.evidence_file_type]
    return FileResponse(
        score.evidence_file.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{branch.name}-{score.criterion.code}.{score.evidence_file_type}",
    )


@require_GET
def cycle_evidence(request, pk: int, branch_pk: int):
    """Every item of a branch's self-assessment with the material it points at (read-only)."""
    cycle, branch = _evidence_scope(request, pk, branch_pk)
    scores = scores_for(cycle=cycle, branch=branch)
    rows = [
        (leaf, scores[leaf.pk])
        for leaf in services.leaves_of(cycle.version)
        if leaf.pk in scores and scores[leaf.pk].has_evidence
    ]
    return render(
        request, "assessments/cycle_evidence.html", {"cycle": cycle, "branch": branch, "rows": rows}
    )


# Rules versions ----------------------------------------------------------------------------------


@require_GET
def version_list_view(request):
    page = paginate(request, version_list())
    version_figures_for_page(page)
    return render(
        request,
        "assessments/version_list.html",
        {"page": page, "can_edit": is_street_staff(request.user)},
    )


@require_GET
def version_detail(request, pk: int):
    version = get_object_or_404(RuleVersion, pk=pk)
    return render(
        request,
        "assessments/version_detail.html",
        {
            "version": version,
            "tree": criteria_tree(version=version),
            "can_edit": is_street_staff(request.user),
        },
    )


@street_staff_required
@require_POST
def version_publish(request, pk: int):
    version = get_object_or_404(RuleVersion, pk=pk)
    try:
        services.version_publish(version=version)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The version was published and is now frozen."))
    return redirect(version)


@street_staff_required
@require_POST
def version_copy(request, pk: int):
    version = get_object_or_404(RuleVersion, pk=pk)
    year = timezone.localdate().year
    name = _("%(name)s (revised %(date)s)") % {
        "name": version.name,
        "date": timezone.localdate().isoformat(),
    }
    try:
        copy = services.version_copy(version=version, name=name, year=year)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(version)
    messages.success(request, _("A new draft version was made; edit its criteria in the admin."))
    return redirect(copy)


@street_staff_required
@require_http_methods(["GET", "POST"])
def version_create(request):
    form = VersionForm(request.POST or None, initial={"year": timezone.localdate().year})
    return form_page(
        request,
        form=form,
        title=_("New version of the assessment rules"),
        cancel_url=reverse("assessments:versions"),
        on_valid=lambda f: services.version_save(version=f.instance).get_absolute_url(),
        success_message=_("The version was saved."),
    )


def _draft_version(pk: int) -> RuleVersion:
    version = get_object_or_404(RuleVersion, pk=pk)
    if version.is_frozen:
        raise PermissionDenied  # a published version is frozen
    return version


@street_staff_required
@require_http_methods(["GET", "POST"])
def version_edit(request, pk: int):
    version = _draft_version(pk)
    form = VersionForm(request.POST or None, instance=version)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": version.name},
        cancel_url=version.get_absolute_url(),
        on_valid=lambda f: services.version_save(version=f.instance).get_absolute_url(),
        success_message=_("The version was saved."),
    )


@street_staff_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk: int, criterion_pk: int | None = None):
    version = _draft_version(pk)
    criterion = get_object_or_404(version.criteria, pk=criterion_pk) if criterion_pk else None
    form = CriterionForm(request.POST or None, instance=criterion, version=version)

    def save(f):
        services.criterion_save(criterion=f.instance)
        return version.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Criterion of %(name)s") % {"name": version.name},
        cancel_url=version.get_absolute_url(),
        on_valid=save,
        success_message=_("The criterion was saved."),
    )


# Reminders ---------------------------------------------------------------------------------------


@require_GET
def reminder_list(request):
    notifications = notifications_for(user=request.user)
    unread_only = request.GET.get("unread") == "1"  # as counted on a secretary's home page
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return render(
        request,
        "assessments/reminder_list.html",
        {
            "page": paginate(request, notifications),
            "unread_only": unread_only,
            "failing": failing_reminder_count() if is_street_staff(request.user) else None,
        },
    )


@require_GET
def reminder_open(request, pk: int):
    """Opening a reminder marks it read, then leads to what it is about."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("assessments:reminders")


@require_POST
def reminders_read(request):
    notifications_for(user=request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("assessments:reminders")


@street_staff_required
@require_GET
def delivery_list(request):
    page = paginate(request, failing_deliveries())
    return render(
        request,
        "assessments/delivery_list.html",
        {
            "page": page,
            "long_pending_minutes": settings.PORTAL_REMINDER_LONG_PENDING_MINUTES,
            "retry_days": settings.PORTAL_REMINDER_RETRY_DAYS,
        },
    )


def _back_to_deliveries(request):
    url = reverse("assessments:deliveries")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@street_staff_required
@require_POST
def delivery_resend(request, pk: int):
    if services.delivery_resend(delivery_id=delivery_get(pk=pk).pk):
        messages.success(request, _("The reminder will be sent again in a moment."))
    else:
        messages.info(request, _("This reminder is already sent or being sent."))
    return _back_to_deliveries(request)


@street_staff_required
@require_POST
def deliveries_resend(request):
    count = services.deliveries_resend_failing()
    messages.success(
        request,
        ngettext(
            "%(count)s reminder will be sent again in a moment.",
            "%(count)s reminders will be sent again in a moment.",
            count,
        )
        % {"count": count},
    )
    return _back_to_deliveries(request)
