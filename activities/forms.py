import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.dateparse import parse_date
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
from activities.selectors import pending_photos_of
from activities.services import DRAFT_DAYS_AHEAD, SUGGESTION_NEXT, members_active_on
from activities.uploads import check_image
from branches.models import Branch, PartyGroup
from core.forms import (
    DateInput,
    PreselectSingleChoiceMixin,
    RevisionFormMixin,
    SubmissionTokenMixin,
)
from members.models import Member, Participation
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


class KindSelect(forms.Select):
    """The kind select, each option saying whether that kind names a lecturer and whether it is
    held by a Party group (the form marks those fields as required while it is chosen)."""

    def __init__(self, *args, lecturer_kinds=(), group_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lecturer_kinds = {str(pk) for pk in lecturer_kinds}
        self.group_kinds = {str(pk) for pk in group_kinds}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        key = str(getattr(value, "value", value) or "")
        if key in self.lecturer_kinds:
            option["attrs"]["data-needs-lecturer"] = ""
        if key in self.group_kinds:
            option["attrs"]["data-needs-group"] = ""
        return option


def suggested_title(kind: ActivityKind, day) -> str:
    """A log's title when none is typed: the kind and the month (2026年11月工棚小党课)."""
    return TITLE_PATTERN % {"year": day.year, "month": day.month, "kind": kind.name}


TITLE_PATTERN = _("%(kind)s, %(month)s/%(year)s")
PEOPLE_FIELDS = ("host", "recorder", "lecturer")
MEMBERS_LIST_ID = "branch-members"


class ActivityLogForm(
    PreselectSingleChoiceMixin, RevisionFormMixin, SubmissionTokenMixin, forms.ModelForm
):
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("Optional. JPEG, PNG or WebP, up to 10 MB each."),
    )
    kept_photos = forms.MultipleChoiceField(
        label=_("Kept photos"),
        required=False,
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": _("A kept photo is no longer held: choose it again.")},
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

    def __init__(self, *args, branch: Branch, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.user = user
        self.instance.branch = branch
        kinds = list(ActivityKind.objects.filter(is_active=True))
        kind_field = self.fields["kind"]
        kind_field.queryset = ActivityKind.objects.filter(is_active=True)
        kind_field.widget = KindSelect(
            choices=kind_field.choices,
            lecturer_kinds=[k.pk for k in kinds if k.needs_lecturer],
            group_kinds=[k.pk for k in kinds if k.level == ActivityKind.Level.GROUP],
        )
        kind_field.widget.is_required = True
        self.kinds = {str(k.pk): k for k in kinds}
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch=branch, dissolved_on__isnull=True
        )
        self.party_groups = list(self.fields["party_group"].queryset)  # the attendance toggles
        self.fields["campaign_item"].queryset = CampaignItem.objects.filter(
            campaign__branches=branch
        ).select_related("campaign")
        if len(kinds) == 1 and not self.instance.pk:
            self.initial.setdefault("kind", kinds[0].pk)
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate
        # Left empty, the title is made from the kind and the date (suggested_title).
        self.fields["title"].required = False
        self.fields["title"].widget.attrs["data-title-pattern"] = str(TITLE_PATTERN)
        self.fields["title"].help_text = _("Left empty, it is made from the kind and the month.")
        if not self.is_bound and not self.instance.pk and not self.initial.get("title"):
            kind = self.kinds.get(str(self.initial.get("kind") or ""))
            try:
                day = parse_date(str(self.initial.get("held_on") or ""))
            except ValueError:  # a date such as 2026-02-30 in a link
                day = None
            day = day or timezone.localdate()
            if kind:
                self.initial["title"] = suggested_title(kind, day)
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
        self.group_of = dict(
            Participation.objects.filter(branch=branch, member__in=self.roster)
            .filter(joined_on__lte=day)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
            .values_list("member_id", "party_group_id")
        )
        known = {m.pk for m in self.roster}
        # Members recorded earlier but no longer on the roster stay on the form.
        self.roster += list(Member.objects.filter(pk__in=set(recorded) - known))
        for name in PEOPLE_FIELDS:
            # Picked from the branch's members (free text for someone from outside).
            self.fields[name].widget.attrs.update({"list": MEMBERS_LIST_ID, "autocomplete": "off"})
        # A new log starts with nobody marked, or with the members of the Party group it is
        # for: those not marked are recorded absent.
        chosen_group = str(self.initial.get("party_group") or "")
        for member in self.roster:
            row = recorded.get(member.pk)
            if row:
                initial = row.status
            elif chosen_group and str(self.group_of.get(member.pk)) == chosen_group:
                initial = Attendance.Status.PRESENT
            else:
                initial = None
            self.fields[f"{ATTENDANCE_PREFIX}{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=Attendance.Status.choices,
                initial=initial,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{REASON_PREFIX}{member.pk}"] = forms.CharField(
                label=_("Reason %(name)s is away") % {"name": member.name},
                required=False,
                max_length=100,
                initial=row.reason if row else "",
            )
        self.kept = []  # the photos this form holds from an earlier attempt (PendingPhoto)
        self.valid_uploads = []  # the photos chosen this time that passed the checks
        if self.is_bound and user is not None:
            self.kept = pending_photos_of(user=user, ids=self.data.getlist("kept_photos"))
        # Checked in clean_kept_photos: a kept photo may be gone because this very form was
        # already saved (a double tap), which is no mistake.
        self.fields["kept_photos"].choices = [
            (value, value) for value in (self.data.getlist("kept_photos") if self.is_bound else [])
        ]

    # What the template and the error summary need -------------------------------------------

    def current_kind(self) -> ActivityKind | None:
        value = self["kind"].value()
        return self.kinds.get(str(value)) if value else None

    def lecturer_required(self) -> bool:
        kind = self.current_kind()
        return bool(kind and kind.needs_lecturer)

    def group_required(self) -> bool:
        kind = self.current_kind()
        return bool(kind and kind.level == ActivityKind.Level.GROUP)

    def member_names(self) -> list[str]:
        return sorted({m.name for m in self.roster})

    def main_fields(self):
        return [
            f
            for f in self.visible_fields()
            if not f.name.startswith((ATTENDANCE_PREFIX, REASON_PREFIX))
        ]

    def attendance_rows(self):
        return [
            (
                member,
                self[f"{ATTENDANCE_PREFIX}{member.pk}"],
                self[f"{REASON_PREFIX}{member.pk}"],
                self.group_of.get(member.pk),
            )
            for member in self.roster
        ]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) of every error, in the order of the form."""
        rows = []
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            field = self.fields.get(name)
            if name == "kept_photos":  # the kept photo is gone: choose it again
                anchor = self["photos"].auto_id
            else:
                anchor = self[name].auto_id if field else "attendance"
            label = field.label if field else _("Attendance")
            rows.extend((anchor, label, message) for message in errors)
        return rows

    # Validation: everything the services would refuse is found here at once ------------------

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        problems = []
        for upload in uploads:
            try:
                check_image(upload)
            except ValidationError as error:
                problems.extend(error.messages)
            else:
                self.valid_uploads.append(upload)
        if problems:
            raise ValidationError(problems)
        return uploads

    def clean_kept_photos(self):
        missing = set(self.cleaned_data["kept_photos"]) - {str(p.pk) for p in self.kept}
        token = self.data.get("submission_token")
        already_saved = _is_uuid(token) and ActivityLog.objects.filter(submission_token=token)
        if missing and not (already_saved and already_saved.exists()):
            raise ValidationError(
                self.fields["kept_photos"].error_messages["invalid_choice"], code="gone"
            )
        return self.kept

    def clean(self):
        cleaned = super().clean()
        kind, day = cleaned.get("kind"), cleaned.get("held_on")
        submitting = "submit" in self.data
        if kind and kind.level == ActivityKind.Level.GROUP and not cleaned.get("party_group"):
            self.add_error("party_group", _("A Party group meeting names its Party group."))
        if kind and kind.needs_lecturer and submitting and not cleaned.get("lecturer"):
            self.add_error("lecturer", _("Give the lecturer of this lesson."))
        if submitting and day and day > timezone.localdate() and self.instance.is_draft:
            self.add_error("held_on", _("An activity is submitted once it has taken place."))
        if not cleaned.get("title") and kind and day:
            cleaned["title"] = suggested_title(kind, day)
        for member in self.roster:
            status = cleaned.get(f"{ATTENDANCE_PREFIX}{member.pk}")
            reason = (cleaned.get(f"{REASON_PREFIX}{member.pk}") or "").strip()
            if status == Attendance.Status.LEAVE and not reason:
                self.add_error(
                    f"{REASON_PREFIX}{member.pk}",
                    _("Give the reason %(name)s is on leave.") % {"name": member.name},
                )
        return cleaned

    def mark_attendance(self, mark: str) -> None:
        """The attendance toggles without JavaScript (a toggle is then a submit button): the
        form is shown again with the marks applied, nothing saved and no error shown yet."""
        if mark in (Attendance.Status.PRESENT, Attendance.Status.ABSENT):
            members = self.roster
            status = mark
        elif mark.startswith("group-"):
            members = [m for m in self.roster if str(self.group_of.get(m.pk)) == mark[6:]]
            status = Attendance.Status.PRESENT
        else:
            members = []
        data = self.data.copy()
        for member in members:
            data[f"{ATTENDANCE_PREFIX}{member.pk}"] = status
        self.data = data
        self._errors = ErrorDict()  # checked when the form is sent to be saved

    def attendance(self) -> dict[int, tuple[str, str]]:
        return {
            member.pk: (
                self.cleaned_data[f"{ATTENDANCE_PREFIX}{member.pk}"] or Attendance.Status.ABSENT,
                self.cleaned_data[f"{REASON_PREFIX}{member.pk}"],
            )
            for member in self.roster
        }


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


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
