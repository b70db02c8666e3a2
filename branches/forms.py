from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from branches.models import Branch, PartyGroup, Seat, Term, TransformedInto
from core.forms import (
    DateInput,
    PreselectSingleChoiceMixin,
    RevisionFormMixin,
    SubmissionTokenMixin,
)
from projects.models import Project, WorkingGroup


class BranchEstablishForm(PreselectSingleChoiceMixin, forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())
    name = forms.CharField(label=_("name"), max_length=200)
    established_on = forms.DateField(label=_("established on"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        has_active = Branch.objects.filter(project=OuterRef("pk"), status=Branch.Status.ACTIVE)
        self.fields["project"].queryset = (
            Project.objects.annotate(covered=Exists(has_active))
            .filter(covered=False)
            .order_by("name")
        )


class BranchEditForm(RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["name", "established_on"]
        widgets = {"established_on": DateInput}


class SeatForm(PreselectSingleChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("seat"), choices=Seat.Kind.choices)
    holder_name = forms.CharField(label=_("held by"), max_length=50)
    origin = forms.ChoiceField(label=_("origin"), choices=Seat.Origin.choices)
    started_on = forms.DateField(label=_("since"), widget=DateInput, initial=timezone.localdate)
    user = forms.ModelChoiceField(
        label=_("log-in"),
        queryset=User.objects.filter(is_active=True, role=User.Role.BRANCH_SECRETARY).order_by(
            "username"
        ),
        required=False,
        help_text=_("The seat holder's log-in, if they have one: it then sees this branch."),
    )


class TransformForm(PreselectSingleChoiceMixin, forms.Form):
    on = forms.DateField(label=_("transformed on"), widget=DateInput, initial=timezone.localdate)
    into = forms.ChoiceField(label=_("transformed into"), choices=TransformedInto.choices)
    successor_name = forms.CharField(label=_("successor organisation"), max_length=200)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("dissolved on"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class PartyGroupForm(
    PreselectSingleChoiceMixin, RevisionFormMixin, SubmissionTokenMixin, forms.ModelForm
):
    class Meta:
        model = PartyGroup
        fields = ["name", "working_group", "leader_name", "established_on"]
        widgets = {"established_on": DateInput}

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(
            project_id=branch.project_id, dissolved_on__isnull=True
        )
        if not self.instance.pk:
            self.fields["established_on"].initial = timezone.localdate


class TermForm(forms.Form):
    started_on = forms.DateField(
        label=_("term began on"), widget=DateInput, initial=timezone.localdate
    )
    years = forms.TypedChoiceField(label=_("term"), choices=Term.Years.choices, coerce=int)
