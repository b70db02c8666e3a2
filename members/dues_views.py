"""Party dues pages: the street's (or the secretary's) summary per branch, a branch's ledger with
its arrears, the month's collection screen, a member's dues base and reasons, and the ledgers as
xlsx. Reads through members.dues (scoped: another branch is a 404), writes through its services."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessRecord
from accounts.services import record_access
from core.forms import add_service_errors
from core.pages import form_page
from core.pagination import paginate
from core.xlsx import xlsx_response
from members import dues, dues_ledger
from members.dues_forms import ArrearsReasonForm, CollectionForm, DuesBaseForm
from members.models import DuesPayment
from members.views import _managed_member


def _year(request, today: datetime.date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _month_or_404(text: str, today: datetime.date) -> datetime.date:
    month = dues.parse_month(text)
    if month is None or month.year < 2000 or month > dues.month_of(today):
        raise Http404(_("No such month."))
    return month


@require_GET
def overview(request):
    today = timezone.localdate()
    year = _year(request, today)
    page = paginate(request, dues.summary_branches(user=request.user))
    dues.summary_figures_for_page(page.object_list, year=year, today=today)
    return render(
        request,
        "members/dues_overview.html",
        {"page": page, "year": year, "years": range(today.year, today.year - 5, -1)},
    )


@require_GET
def branch_ledger(request, pk: int):
    today = timezone.localdate()
    branch = dues.branch_get_for_user(user=request.user, pk=pk)
    year = _year(request, today)
    page = paginate(request, dues.ledger_members(branch=branch, year=year))
    page.object_list = dues.ledger_rows(branch=branch, year=year, members=page.object_list)
    month_totals, year_total = dues.ledger_totals(branch=branch, year=year)
    arrears = dues.arrears_of_branch(branch=branch, today=today)
    months = [datetime.date(year, n, 1) for n in range(1, 13)]
    return render(
        request,
        "members/dues_branch.html",
        {
            "branch": branch,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "page": page,
            "months": [(m, m <= dues.month_of(today)) for m in months],
            "month_totals": month_totals,
            "year_total": year_total,
            "arrears": arrears,
            "flagged": [row for row in arrears if row[1].flagged],
            "to_review": dues.bases_to_review(branch=branch, today=today),
            "current_month": dues.month_of(today),
        },
    )


@require_http_methods(["GET", "POST"])
def collect(request, pk: int, month: str):
    """The month's dues of the whole branch on one screen."""
    today = timezone.localdate()
    branch = dues.branch_get_for_user(user=request.user, pk=pk)
    month = _month_or_404(month, today)
    rows = dues.collection_rows(branch=branch, month=month, today=today)
    form = CollectionForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            collection = dues.dues_collect(
                branch=branch,
                month=month,
                lines=form.lines(),
                paid_on=form.cleaned_data["paid_on"],
                actor=request.user,
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = collection.payments.count()
            messages.success(
                request,
                _("%(count)s payments recorded for %(month)s.")
                % {"count": count, "month": f"{month:%Y-%m}"},
            )
            return redirect("members:dues_collect", pk=branch.pk, month=f"{month:%Y-%m}")
    expected = sum((row.expected or 0 for row in rows), 0)
    paid = sum((row.payment.amount for row in rows if row.payment), 0)
    return render(
        request,
        "members/dues_collect.html",
        {
            "branch": branch,
            "month": month,
            "form": form,
            "previous": dues.add_months(month, -1),
            "next": dues.add_months(month, 1) if month < dues.month_of(today) else None,
            "expected_total": expected,
            "paid_total": paid,
            "paid_count": sum(1 for row in rows if row.payment),
            "others": DuesPayment.objects.filter(branch=branch, month=month)
            .exclude(member__in=[row.member.pk for row in rows])
            .select_related("member", "recorded_by")
            .order_by("member__name", "member_id"),
        },
    )


def _export(request, *, label: str, chunks, filename: str):
    record_access(
        request=request,
        action=AccessRecord.Action.EXPORT,
        object_type=DuesPayment._meta.label,
        object_label=label,
    )
    return xlsx_response(chunks, filename=filename)


@require_GET
def month_xlsx(request, pk: int, month: str):
    today = timezone.localdate()
    branch = dues.branch_get_for_user(user=request.user, pk=pk)
    month = _month_or_404(month, today)
    return _export(
        request,
        label=f"{branch.name} {month:%Y-%m}",
        chunks=dues_ledger.month_workbook(branch=branch, month=month, today=today),
        filename=f"dues-{branch.pk}-{month:%Y-%m}.xlsx",
    )


@require_GET
def year_xlsx(request, pk: int, year: int):
    branch = dues.branch_get_for_user(user=request.user, pk=pk)
    return _export(
        request,
        label=f"{branch.name} {year}",
        chunks=dues_ledger.year_workbook(branch=branch, year=year),
        filename=f"dues-{branch.pk}-{year}.xlsx",
    )


@require_GET
def summary_xlsx(request, year: int):
    today = timezone.localdate()
    return _export(
        request,
        label=_("Dues summary %(year)s") % {"year": year},
        chunks=dues_ledger.summary_workbook(user=request.user, year=year, today=today),
        filename=f"dues-summary-{year}.xlsx",
    )


def _paying_member(request, pk: int):
    member = _managed_member(request, pk)
    if not dues.pays_here(member):
        raise PermissionDenied  # the page offers this only to a member paying here
    return member


@require_http_methods(["GET", "POST"])
def base_record(request, pk: int):
    member = _paying_member(request, pk)
    form = DuesBaseForm(request.POST or None)

    def save(f):
        dues.dues_base_record(member=member, actor=request.user, **f.cleaned_data)
        return member.get_absolute_url() + "#dues"

    return form_page(
        request,
        form=form,
        title=_("Dues base of %(name)s") % {"name": member.name},
        intro=_(
            "A new base applies from its date on; the earlier ones are kept. Salaried and "
            "retired members: the monthly after-tax pay; an annual salary: the year's."
        ),
        cancel_url=member.get_absolute_url() + "#dues",
        on_valid=save,
        success_message=_("The dues base was recorded."),
    )


@require_http_methods(["GET", "POST"])
def reason_record(request, pk: int):
    member = _paying_member(request, pk)
    form = ArrearsReasonForm(request.POST or None)

    def save(f):
        dues.arrears_reason_record(member=member, actor=request.user, **f.cleaned_data)
        return member.get_absolute_url() + "#dues"

    return form_page(
        request,
        form=form,
        title=_("Why %(name)s's dues are unpaid") % {"name": member.name},
        cancel_url=member.get_absolute_url() + "#dues",
        on_valid=save,
        success_message=_("The reason was recorded."),
    )
