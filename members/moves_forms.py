"""Forms of members on the move: a transfer letter (incoming or outgoing), its arrival and
receipt, a floating member's activity certificate."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput


class MonthInput(forms.DateInput):
    """The browser's month picker (YYYY-MM)."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


def month_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=MonthInput, input_formats=["%Y-%m", "%Y-%m-%d"])


class LetterForm(forms.Form):
    number = forms.CharField(label=_("letter number"), max_length=50)
    issued_on = forms.DateField(label=_("letter date"), widget=DateInput)
    dues_paid_to = month_field(_("dues paid up to"))
    valid_until = forms.DateField(
        label=_("valid until"),
        widget=DateInput,
        help_text=_("Three months after the letter's date at most. The receipt is due a month "
                    "after the letter's date."),
    )  # fmt: skip


class OutgoingLetterForm(LetterForm):
    to_organisation = forms.CharField(label=_("to"), max_length=200)
    field_order = ["number", "issued_on", "to_organisation", "dues_paid_to", "valid_until"]


class IncomingLetterForm(LetterForm):
    from_organisation = forms.CharField(label=_("from"), max_length=200)
    field_order = ["number", "issued_on", "from_organisation", "dues_paid_to", "valid_until"]


class LetterCorrectionForm(forms.Form):
    """What can be corrected on a recorded letter; the destination only on an outgoing one."""

    number = forms.CharField(label=_("letter number"), max_length=50)
    to_organisation = forms.CharField(label=_("to"), max_length=200)
    dues_paid_to = month_field(_("dues paid up to"))
    valid_until = forms.DateField(
        label=_("valid until"),
        widget=DateInput,
        help_text=_("Three months after the letter's date at most."),
    )

    def __init__(self, *args, outgoing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not outgoing:
            del self.fields["to_organisation"]


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("certificate number"), max_length=50)
    issued_on = forms.DateField(label=_("issued on"), widget=DateInput, initial=timezone.localdate)
    valid_until = forms.DateField(label=_("valid until"), widget=DateInput)
    issuing_organisation = forms.CharField(label=_("issued by"), max_length=200)
