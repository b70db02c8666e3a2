import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    ActivityKind,
    ActivityLog,
    Attendance,
    Brand,
    CampaignItem,
    Rule,
    Suggestion,
)
from activities.services import DRAFT_DAYS_AHEAD, SUGGESTION_NEXT, members_active_on
from branches.models import Branch, PartyGroup
from core.forms import (
    DateInput,
    PreselectSingleChoiceMixin,
    RevisionFormMixin,
    SubmissionTokenMixin,
)
from members.models import Member
from projects.models import WorkingGroup

ATTENDANCE_PREFIX = "att_"
REASON_PREFIX = "why_"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (photos straight from the phone's camera or gallery)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ActivityLogForm(
    PreselectSingleChoiceMixin, RevisionFormMixin, SubmissionTokenMixin, forms.ModelForm
):
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("Optional. JPEG, PNG or WebP, up to 10 MB each."),
    )

    class Meta:
        model = ActivityLog
        fields = [
            "kind",
            "party_group",
            "campaign_item",
            "title",
            "held_on",
            "starts_at",
            "place",
            "host",
            "recorder",
            "lecturer",
            "non_member_count",
            "content",
            "outcome",
        ]
        widgets = {
            "held_on": DateInput,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "content": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.instance.branch = branch
        self.fields["kind"].queryset = ActivityKind.objects.filter(is_active=True)
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch=branch, dissolved_on__isnull=True
        )
        self.fields["campaign_item"].queryset = CampaignItem.objects.filter(
            campaign__branches=branch
        ).select_related("campaign")
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate
        # The picker offers only dates the services accept (activities.services._check_held_on).
        self.fields["held_on"].widget.attrs.update(
            min=branch.established_on.isoformat(),
            max=(timezone.localdate() + datetime.timedelta(days=DRAFT_DAYS_AHEAD)).isoformat(),
        )
        day = self.instance.held_on or timezone.localdate()
        recorded = {}
        if self.instance.pk:
            recorded = {a.member_id: a for a in self.instance.attendance.all()}
        self.roster = list(members_active_on(branch, day))
        known = {m.pk for m in self.roster}
        # Members recorded earlier but no longer on the roster stay on the form.
        self.roster += list(Member.objects.filter(pk__in=set(recorded) - known))
        for member in self.roster:
            row = recorded.get(member.pk)
            self.fields[f"{ATTENDANCE_PREFIX}{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=Attendance.Status.choices,
                initial=row.status if row else Attendance.Status.PRESENT,
                widget=forms.RadioSelect,
            )
            self.fields[f"{REASON_PREFIX}{member.pk}"] = forms.CharField(
                label=_("reason"), required=False, max_length=100, initial=row.reason if row else ""
            )

    def main_fields(self):
        return [
            f
            for f in self.visible_fields()
            if not f.name.startswith((ATTENDANCE_PREFIX, REASON_PREFIX))
        ]

    def attendance_rows(self):
        return [
            (member, self[f"{ATTENDANCE_PREFIX}{member.pk}"], self[f"{REASON_PREFIX}{member.pk}"])
            for member in self.roster
        ]

    def attendance(self) -> dict[int, tuple[str, str]]:
        return {
            member.pk: (
                self.cleaned_data[f"{ATTENDANCE_PREFIX}{member.pk}"],
                self.cleaned_data[f"{REASON_PREFIX}{member.pk}"],
            )
            for member in self.roster
        }


class BrandForm(RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Brand
        fields = ["name", "pillar_1", "pillar_2", "pillar_3", "slogan", "story", "evidence"]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, branch: Branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = ActivityLog.objects.filter(
            branch=branch, status=ActivityLog.Status.SUBMITTED
        ).order_by("-held_on")
        self.fields["evidence"].required = False


class RuleForm(PreselectSingleChoiceMixin, forms.ModelForm):
    upload = forms.FileField(
        label=_("document (PDF or DOCX)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "application/pdf,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )

    class Meta:
        model = Rule
        fields = ["branch", "owner", "kind", "title", "effective_on", "text"]
        widgets = {"effective_on": DateInput, "text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class SuggestionForm(PreselectSingleChoiceMixin, SubmissionTokenMixin, forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = [
            "project",
            "working_group",
            "author",
            "author_is_member",
            "content",
            "submitted_on",
        ]
        widgets = {"submitted_on": DateInput, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["working_group"].queryset = WorkingGroup.objects.filter(
            project__in=projects, dissolved_on__isnull=True
        ).select_related("project")
        self.fields["working_group"].label_from_instance = lambda g: f"{g.project} · {g.name}"
        self.fields["submitted_on"].initial = timezone.localdate


class SuggestionMoveForm(PreselectSingleChoiceMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("next step"))
    on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("reply or effect"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("The reply when reviewing; the effect when implemented."),
    )
    days_saved = forms.IntegerField(label=_("days saved"), required=False, min_value=0)
    money_saved = forms.DecimalField(
        label=_("money saved (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = SUGGESTION_NEXT[Suggestion.Status(suggestion.status)]
        self.fields["to_status"].choices = [
            (value, label) for value, label in Suggestion.Status.choices if value in allowed
        ]
