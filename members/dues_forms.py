"""Forms of Party dues: a member's dues base, a reason for unpaid dues, and the branch's
collection screen (one row per paying member: ticked, amount, months)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, SubmissionTokenMixin
from members.dues import MAX_MONTHS_AHEAD, CollectionRow, PaymentLine
from members.models import DuesBase

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}


class DuesBaseForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=DuesBase.Category.choices)
    pay = forms.DecimalField(
        label=_("after-tax pay (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Monthly, or the year's for an annual salary; not for the flat categories."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    flat_amount = forms.DecimalField(
        label=_("farmer's monthly amount (yuan)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        **MONEY,
    )
    effective_from = forms.DateField(
        label=_("applies from"), widget=DateInput, initial=timezone.localdate
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class ArrearsReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
    recorded_on = forms.DateField(
        label=_("recorded on"), widget=DateInput, initial=timezone.localdate
    )


class CollectionForm(SubmissionTokenMixin, forms.Form):
    """The month's payments of the whole branch, prefilled with the expected amount and one
    month. A row already paid for the month is shown paid, without inputs; a stale page that
    still ticks it is refused by the service (the month is paid already), unless it is the same
    page sent again, which records nothing more."""

    paid_on = forms.DateField(label=_("paid on"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, rows: list[CollectionRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.member.pk
            self.fields[f"paid_{pk}"] = forms.BooleanField(label=row.member.name, required=False)
            self.fields[f"amount_{pk}"] = forms.DecimalField(
                label=_("amount (yuan)"),
                required=False,
                initial=row.expected,
                widget=forms.NumberInput(
                    attrs={"inputmode": "decimal", "step": "0.01", "class": "form-control"}
                ),
                **MONEY,
            )
            self.fields[f"months_{pk}"] = forms.TypedChoiceField(
                label=_("months"),
                choices=[(n, n) for n in range(1, MAX_MONTHS_AHEAD + 1)],
                coerce=int,
                empty_value=1,
                required=False,
                initial=1,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def table(self) -> list[dict]:
        """The rows with their bound fields, as the template shows them."""
        rows = []
        for row in self.rows:
            pk = row.member.pk
            unpaid = row.payment is None
            rows.append(
                {
                    "row": row,
                    "paid": self[f"paid_{pk}"] if unpaid else None,
                    "amount": self[f"amount_{pk}"] if unpaid else None,
                    "months": self[f"months_{pk}"] if unpaid else None,
                }
            )
        return rows

    @property
    def has_unpaid(self) -> bool:
        return any(row.payment is None for row in self.rows)

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.member.pk
            missing = cleaned.get(f"amount_{pk}") is None and f"amount_{pk}" not in self.errors
            if cleaned.get(f"paid_{pk}") and missing:
                self.add_error(f"amount_{pk}", _("Give the amount paid."))
        return cleaned

    def lines(self) -> list[PaymentLine]:
        data = self.cleaned_data
        lines = []
        for row in self.rows:
            pk = row.member.pk
            if data.get(f"paid_{pk}"):
                lines.append(PaymentLine(row.member, data[f"amount_{pk}"], data[f"months_{pk}"]))
        return lines
