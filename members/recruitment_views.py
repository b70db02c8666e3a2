"""Recruiting pages: the street's counts per stage and branch, a branch's pipeline, a candidate's
file with the form for the next step, the application form, and the ledgers as xlsx. Reads go
through members.recruitment (scoped: another branch's candidate is a 404), writes through its
services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessRecord
from accounts.services import record_access
from branches.models import Branch
from branches.selectors import branch_get_for_user
from core.forms import add_service_errors
from core.pages import form_page
from core.pagination import paginate
from core.xlsx import xlsx_response
from members import recruitment, recruitment_ledger
from members.elections import entitled_voters
from members.forms import CandidateApplyForm, CandidateEndForm, CandidateStepForm
from members.models import Candidate


@require_GET
def street(request):
    page = paginate(request, recruitment.street_branches(user=request.user))
    counts = recruitment.stage_counts(branches=page.object_list)
    for branch in page.object_list:
        branch.stage_counts = [
            (stage, label, counts[branch.pk][stage]) for stage, label in Candidate.Stage.choices
        ]
    totals = recruitment.street_totals(user=request.user)
    return render(
        request,
        "members/recruiting_street.html",
        {"page": page, "stages": Candidate.Stage.choices, "totals": totals},
    )


@require_GET
def due(request):
    """The candidates with a recruiting deadline overdue or within the month, in every branch
    the user sees: the rows behind the workbench's two figures."""
    today = timezone.localdate()
    when = request.GET.get("when")
    if when != recruitment.WITHIN_MONTH:
        when = recruitment.OVERDUE
    page = paginate(
        request, recruitment.candidates_with_deadlines(user=request.user, today=today, when=when)
    )
    recruitment.dues_for_page(page.object_list, today)
    return render(
        request,
        "members/recruiting_due.html",
        {
            "page": page,
            "when": when,
            "choices": (
                (recruitment.OVERDUE, _("Overdue")),
                (recruitment.WITHIN_MONTH, _("Within the month")),
            ),
        },
    )


@require_GET
def pipeline(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    stage = request.GET.get("stage", "")
    if stage not in (*Candidate.Stage.values, recruitment.ENDED):
        stage = ""
    ended = stage == recruitment.ENDED
    page = paginate(
        request,
        recruitment.candidates_of_branch(branch=branch, stage="" if ended else stage, ended=ended),
    )
    recruitment.dues_for_page(page.object_list, timezone.localdate())
    counts = recruitment.stage_counts(branches=[branch])[branch.pk]
    return render(
        request,
        "members/recruiting_pipeline.html",
        {
            "branch": branch,
            "page": page,
            "stage": stage,
            "stages": [(value, label, counts[value]) for value, label in Candidate.Stage.choices],
            "ended": ended,
            "ended_key": recruitment.ENDED,
            "ended_count": recruitment.ended_count(branch=branch),
            "today": timezone.localdate(),
            "is_active": branch.status == Branch.Status.ACTIVE,
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_create(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    if branch.status != Branch.Status.ACTIVE:
        raise PermissionDenied
    form = CandidateApplyForm(request.POST or None)

    def save(f):
        data = f.cleaned_data
        candidate = recruitment.candidate_apply(
            candidate=f.instance,
            branch=branch,
            applied_on=data["applied_on"],
            note=data["note"],
            actor=request.user,
            submission_token=data["submission_token"],
        )
        return candidate.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Application for Party membership · %(branch)s") % {"branch": branch.name},
        intro=_(
            "The applicant's data is entered once: it becomes the member's record when the "
            "admission is approved."
        ),
        cancel_url=reverse("members:recruiting", args=[branch.pk]),
        on_valid=save,
        success_message=_("The application was recorded."),
    )


@require_http_methods(["GET", "POST"])
def candidate_detail(request, candidate_pk: int):
    candidate = recruitment.candidate_get_for_user(user=request.user, pk=candidate_pk)
    today = timezone.localdate()
    steps = list(recruitment.steps_of(candidate))
    kinds = recruitment.allowed_kinds(candidate, steps)
    can_record = (
        bool(kinds) and candidate.branch.status == Branch.Status.ACTIVE and not candidate.is_ended
    )
    form = None
    if can_record:
        form = CandidateStepForm(
            request.POST or None,
            candidate=candidate,
            kinds=kinds,
            voters=entitled_voters(branch=candidate.branch, on=today),
        )
        if request.method == "POST" and form.is_valid():
            try:
                recruitment.step_record(
                    candidate=candidate, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The step was recorded."))
                return redirect(candidate.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "members/recruiting_candidate.html",
        {
            "candidate": candidate,
            "branch": candidate.branch,
            "steps": steps,
            "next": recruitment.next_due(candidate, {s.kind for s in steps}, today),
            "form": form,
            "today": today,
            # The vote is recorded as a decision of the branch general meeting first.
            "needs_decision": any(k in recruitment.DECISION_STEPS for k in kinds),
            "step_fields": recruitment.STEP_FIELDS,
            "can_end": not candidate.is_ended and candidate.member_id is None,
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_end(request, candidate_pk: int):
    """End a candidacy before the admission; once a member, leaving is the member's own."""
    candidate = recruitment.candidate_get_for_user(user=request.user, pk=candidate_pk)
    form = CandidateEndForm(request.POST or None)

    def save(f):
        data = f.cleaned_data
        recruitment.candidacy_end(
            candidate=candidate,
            ended_on=data["ended_on"],
            reason=data["reason"],
            note=data["note"],
            actor=request.user,
        )
        return candidate.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("End the candidacy of %(name)s") % {"name": candidate.name},
        intro=_(
            "The steps and the data are kept; the candidate leaves the pipeline's stages and no "
            "deadline of theirs is reminded any more."
        ),
        cancel_url=candidate.get_absolute_url(),
        on_valid=save,
        success_message=_("The candidacy was ended."),
        danger=True,
    )


def _export(request, *, label: str, chunks, filename: str):
    record_access(
        request=request,
        action=AccessRecord.Action.EXPORT,
        object_type=Candidate._meta.label,
        object_label=label,
    )
    return xlsx_response(chunks, filename=filename)


@require_GET
def pipeline_xlsx(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    return _export(
        request,
        label=_("Recruiting ledger of %(branch)s") % {"branch": branch.name},
        chunks=recruitment_ledger.pipeline_workbook(branch=branch, today=today),
        filename=f"recruiting-{branch.pk}-{today.isoformat()}.xlsx",
    )


@require_GET
def candidate_xlsx(request, candidate_pk: int):
    candidate = recruitment.candidate_get_for_user(user=request.user, pk=candidate_pk)
    return _export(
        request,
        label=candidate.name,
        chunks=recruitment_ledger.candidate_workbook(candidate=candidate),
        filename=f"candidate-{candidate.pk}.xlsx",
    )
