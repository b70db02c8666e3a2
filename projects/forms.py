from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import PartyGroup
from core.forms import (
    DateInput,
    PreselectSingleChoiceMixin,
    RenderedValuesMixin,
    RevisionFormMixin,
    SubmissionTokenMixin,
)
from projects.models import (
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    Stage,
    WorkingGroup,
    WorkingGroupMember,
)
from projects.services import TRANSITIONS


class ProjectForm(PreselectSingleChoiceMixin, RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "community",
            "category",
            "is_key_project",
            "total_investment",
            "description",
            "hq_commander",
            "hq_contact_name",
            "hq_contact_phone",
            "engineering_established_on",
        ]
        widgets = {
            "engineering_established_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"total_investment": _("In yuan, e.g. 1200000000 for 12 hundred million.")}


class TimelineForm(RenderedValuesMixin, forms.Form):
    """The planned and actual date of every stage, on one form. Only the stages whose dates
    the user changed are saved (see dates())."""

    current_argument = "project"

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        current = {row.stage: row for row in project.stages.all()}
        for stage in Stage:
            row = current.get(stage.value)
            self.fields[f"{stage.value}_planned"] = forms.DateField(
                label=_("%(stage)s: planned") % {"stage": stage.label},
                required=False,
                widget=DateInput,
                initial=row.planned_on if row else None,
            )
            self.fields[f"{stage.value}_actual"] = forms.DateField(
                label=_("%(stage)s: actual") % {"stage": stage.label},
                required=False,
                widget=DateInput,
                initial=row.actual_on if row else None,
            )

    def _changed_stages(self) -> list[str]:
        changed = set(self.changed_by_user())
        return [
            stage.value
            for stage in Stage
            if {f"{stage.value}_planned", f"{stage.value}_actual"} & changed
        ]

    def dates(self) -> dict:
        """(planned, actual) of each stage the user changed."""
        return {
            stage: (self.cleaned_data[f"{stage}_planned"], self.cleaned_data[f"{stage}_actual"])
            for stage in self._changed_stages()
        }

    def shown(self) -> dict:
        """(planned, actual) of those stages when the form was shown."""
        return {
            stage: (self.shown_value(f"{stage}_planned"), self.shown_value(f"{stage}_actual"))
            for stage in self._changed_stages()
        }


class ProjectManagerForm(PreselectSingleChoiceMixin, forms.Form):
    name = forms.CharField(label=_("full name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    appointed_on = forms.DateField(
        label=_("appointed on"), widget=DateInput, initial=timezone.localdate
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            participations__project=project
        ).distinct()


class ParticipationForm(PreselectSingleChoiceMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.all())
    role = forms.ChoiceField(label=_("role"), choices=ProjectEnterprise.Role.choices)
    started_on = forms.DateField(label=_("since"), widget=DateInput, required=False)


class EnterpriseForm(RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "party_org_status", "party_contact_name", "party_contact_phone"]


class WorkingGroupForm(PreselectSingleChoiceMixin, RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["kind", "name", "leader_name", "established_on"]
        widgets = {"established_on": DateInput}


class WorkingGroupMemberForm(forms.ModelForm):
    class Meta:
        model = WorkingGroupMember
        fields = ["name", "organisation", "is_party_member", "joined_on"]
        widgets = {"joined_on": DateInput}
        labels = {"name": _("full name")}  # a person's


class CoordinationItemForm(PreselectSingleChoiceMixin, SubmissionTokenMixin, forms.Form):
    title = forms.CharField(label=_("matter"), max_length=200)
    description = forms.CharField(
        label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    working_group = forms.ModelChoiceField(
        label=_("working group"), queryset=WorkingGroup.objects.none(), required=False
    )
    raised_by = forms.CharField(label=_("raised by"), max_length=100)
    raised_on = forms.DateField(label=_("raised on"), widget=DateInput, initial=timezone.localdate)
    owner_party_group = forms.ModelChoiceField(
        label=_("owning Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    owner_person = forms.CharField(label=_("owner"), max_length=50, required=False)
    due_on = forms.DateField(label=_("due on"), widget=DateInput)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = project.working_groups.filter(
            dissolved_on__isnull=True
        )
        self.fields["owner_party_group"].queryset = PartyGroup.objects.filter(
            branch__project=project, branch__status="active", dissolved_on__isnull=True
        )

    def clean(self):
        data = super().clean()
        raised, due = data.get("raised_on"), data.get("due_on")
        if raised and due and due < raised:
            self.add_error("due_on", _("The due date cannot be before the day it was raised."))
        if raised and raised > timezone.localdate():
            self.add_error("raised_on", _("This date is in the future."))
        return data


class CoordinationMoveForm(PreselectSingleChoiceMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    happened_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For a resolved item: how it was resolved."),
    )

    def __init__(self, *args, item: CoordinationItem, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[CoordinationItem.Status(item.status)]
        self.fields["to_status"].choices = [
            (value, label) for value, label in CoordinationItem.Status.choices if value in allowed
        ]
