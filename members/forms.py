from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict
from accounts.models import User
from branches.models import Branch, PartyGroup
from core.forms import (
    DateInput,
    PreselectSingleChoiceMixin,
    RevisionFormMixin,
    SubmissionTokenMixin,
)
from members import recruitment
from members.identity import birth_date_from_id, id_number_problem, normalise_id_number
from members.models import Candidate, CandidateStep, Member, MemberDecision, PioneerPost, Transfer
from members.services import NEXT_STEP
from projects.models import Project

# No date of birth or gender: both are read from the ID number (which every member has).
MEMBER_FIELDS = [
    "name",
    "phone",
    "id_number",
    "standing",
    "joined_party_on",
    "full_member_on",
    "employer_kind",
    "employer_enterprise",
    "employer_name",
    "job",
    "is_floating",
    "floating_from",
    "home_organisation",
    "relation_state",
]
MEMBER_LABELS = {"name": _("full name")}  # a person's name: 姓名, not 名称
MEMBER_HELP = {"id_number": _("The date of birth and gender are read from it.")}
DATE_WIDGETS = {"joined_party_on": DateInput, "full_member_on": DateInput}


def branches_for(user):
    return restrict(
        Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("name"), user, branch_path="id"
    )


class BranchAndGroupMixin(PreselectSingleChoiceMixin, forms.Form):
    """A branch the user may work in, and optionally one of its active Party groups."""

    branch = forms.ModelChoiceField(label=_("branch"), queryset=Branch.objects.none())
    party_group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )

    def setup_branches(self, user):
        branches = branches_for(user)
        self.fields["branch"].queryset = branches
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch__in=branches, dissolved_on__isnull=True
        ).select_related("branch")
        self.fields["party_group"].label_from_instance = lambda g: f"{g.branch} · {g.name}"

    def clean(self):
        data = super().clean()
        branch, group = data.get("branch"), data.get("party_group")
        if branch and group and group.branch_id != branch.pk:
            self.add_error("party_group", _("Choose an active Party group of this branch."))
        return data


class IdentityFromIdNumberMixin:
    """For a model form on Member without the date of birth and gender: both are taken from the
    ID number before the member is checked (an edited number brings its own)."""

    def _post_clean(self):
        number = self.cleaned_data.get("id_number")
        if number:
            self.instance.id_number = number
            self.instance.take_identity_from_id_number()
        super()._post_clean()


class MemberForm(IdentityFromIdNumberMixin, RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = DATE_WIDGETS
        labels = MEMBER_LABELS
        help_texts = MEMBER_HELP


class MemberEditForm(MemberForm):
    """The ID number and phone stay masked in the form: left as they are, the stored values are
    kept; a whole new number replaces them. (The full values are shown on the member's page,
    after "show", which the access log records.)"""

    MASKED = ("id_number", "phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored = {name: getattr(self.instance, name) for name in self.MASKED}
        self.initial["id_number"] = self.instance.masked_id_number
        self.initial["phone"] = self.instance.masked_phone
        for name in self.MASKED:
            self.fields[name].help_text = _(
                "Masked: leave it to keep the number, or type the whole new number."
            )
        self.fields["id_number"].help_text = _(
            "Masked: leave it to keep the number, or type the whole new number. The date of "
            "birth and gender are read from it."
        )

    def _kept(self, name: str) -> str:
        value = self.cleaned_data[name]
        return self._stored[name] if value == self.initial[name] else value

    def clean_id_number(self):
        return self._kept("id_number")

    def clean_phone(self):
        return self._kept("phone")


class MemberRegisterForm(
    IdentityFromIdNumberMixin, SubmissionTokenMixin, BranchAndGroupMixin, forms.ModelForm
):
    joined_on = forms.DateField(
        label=_("joined the branch on"), widget=DateInput, initial=timezone.localdate
    )

    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        widgets = DATE_WIDGETS
        labels = MEMBER_LABELS
        help_texts = MEMBER_HELP

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_branches(user)


class MoveForm(BranchAndGroupMixin, forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_branches(user)


class JoinForm(BranchAndGroupMixin, forms.Form):
    joined_on = forms.DateField(label=_("joined on"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_branches(user)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("reason for leaving"), max_length=200)


class TransferRequestForm(forms.Form):
    requested_on = forms.DateField(
        label=_("requested on"), widget=DateInput, initial=timezone.localdate
    )
    from_organisation = forms.CharField(
        label=_("from"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the member's home organisation."),
    )


class TransferStepForm(PreselectSingleChoiceMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("next step"))
    on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(
        label=_("note"),
        max_length=200,
        required=False,
        help_text=_("For a rejection: the reason."),
    )

    def __init__(self, *args, transfer: Transfer, **kwargs):
        super().__init__(*args, **kwargs)
        following = NEXT_STEP[Transfer.Status(transfer.status)]
        self.fields["to_status"].choices = [
            (following.value, following.label),
            (Transfer.Status.REJECTED.value, Transfer.Status.REJECTED.label),
        ]


class PioneerPostForm(PreselectSingleChoiceMixin, forms.ModelForm):
    class Meta:
        model = PioneerPost
        fields = ["project", "kind", "title", "started_on"]
        widgets = {"started_on": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = restrict(
            Project.objects.filter(branches__status=Branch.Status.ACTIVE).distinct(),
            user,
            branch_path="branches__id",
        ).order_by("name")


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (xlsx)"),
        help_text=_("Fill in the template; every row is checked before anything is saved."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the roster as an .xlsx file."))
        return upload


class ElectionForm(SubmissionTokenMixin, forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DateInput, initial=timezone.localdate)
    seats = forms.IntegerField(
        label=_("seats to fill"),
        min_value=1,
        max_value=7,
        help_text=_(
            "A branch of 7 or more full members elects a committee of 3 to 5 (up to 7); a "
            "smaller one a secretary, and possibly a deputy."
        ),
    )
    contested = forms.BooleanField(
        label=_("contested election"),
        required=False,
        initial=True,
        help_text=_("More candidates than seats: at least 20% more."),
    )
    term_years = forms.TypedChoiceField(
        label=_("term"), choices=[(3, _("3 years")), (5, _("5 years"))], coerce=int
    )
    present = forms.ModelMultipleChoiceField(
        label=_("present"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Those entitled to vote are the branch's full members; probationary members have no "
            "vote. The election is valid only if more than four fifths of them attend."
        ),
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = voters


class CandidateForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("candidate"), queryset=Member.objects.none(), required=False
    )
    votes = forms.IntegerField(label=_("votes"), min_value=0, required=False)

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = voters

    def clean(self):
        data = super().clean()
        if data.get("member") and data.get("votes") is None:
            self.add_error("votes", _("Give the candidate's votes."))
        if data.get("votes") is not None and not data.get("member"):
            self.add_error("member", _("Choose the candidate."))
        return data


CandidateFormSet = forms.formset_factory(CandidateForm, extra=8, max_num=12, absolute_max=12)


class ElectionAppointForm(forms.Form):
    started_on = forms.DateField(label=_("since"), widget=DateInput, initial=timezone.localdate)
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("Deputy secretary"), queryset=None, required=False)
    secretary_user = forms.ModelChoiceField(
        label=_("the secretary's log-in"),
        queryset=User.objects.filter(is_active=True, role=User.Role.BRANCH_SECRETARY).order_by(
            "username"
        ),
        required=False,
        help_text=_(
            "The log-in that sees this branch while the new secretary holds the seat (the "
            "current secretary's, unless you choose another)."
        ),
    )

    def __init__(self, *args, elected, current_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("secretary", "deputy"):
            self.fields[name].queryset = elected
            self.fields[name].label_from_instance = lambda candidate: candidate.member.name
        if current_user is not None:
            self.fields["secretary_user"].initial = current_user.pk


class MemberDecisionForm(SubmissionTokenMixin, forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DateInput, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("decision on"), choices=MemberDecision.Kind.choices)
    subject_name = forms.CharField(
        label=_("about"),
        max_length=50,
        required=False,
        help_text=_("The applicant's name (for a full membership, choose the member below)."),
    )
    member = forms.ModelChoiceField(
        label=_("probationary member"), queryset=Member.objects.none(), required=False
    )
    present = forms.ModelMultipleChoiceField(
        label=_("present"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Valid with more than half of the full members present and more than half of the "
            "full members in favour."
        ),
    )
    in_favour = forms.IntegerField(label=_("in favour"), min_value=0)

    def __init__(self, *args, voters, probationary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = voters
        self.fields["member"].queryset = probationary

    def clean(self):
        data = super().clean()
        if not data.get("subject_name") and not data.get("member"):
            self.add_error("subject_name", _("Say whom the decision is about."))
        return data


# Recruiting members ------------------------------------------------------------------------------


class CandidateApplyForm(SubmissionTokenMixin, forms.ModelForm):
    """The applicant's personal data, entered once: the date of birth and gender are read from
    the ID number."""

    applied_on = forms.DateField(
        label=_("application received on"), widget=DateInput, initial=timezone.localdate
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    class Meta:
        model = Candidate
        fields = [
            "name",
            "id_number",
            "phone",
            "employer_kind",
            "employer_enterprise",
            "employer_name",
            "job",
        ]
        labels = MEMBER_LABELS
        help_texts = {
            **MEMBER_HELP,
            "id_number": _(
                "The date of birth and gender are read from it; an applicant is at least 18."
            ),
        }

    def clean(self):
        """The date's checks with the others, so that every problem is said at once."""
        data = super().clean()
        applied_on, id_number = data.get("applied_on"), data.get("id_number")
        if applied_on is not None and applied_on > timezone.localdate():
            self.add_error("applied_on", _("This date is in the future."))
        elif applied_on is not None and id_number and not id_number_problem(id_number):
            too_young = recruitment.applicant_too_young(
                name=data.get("name", ""),
                birth_date=birth_date_from_id(normalise_id_number(id_number)),
                applied_on=applied_on,
            )
            if too_young:
                self.add_error("applied_on", too_young)
        return data


class CandidateEndForm(forms.Form):
    """A candidacy ended before the admission, with its date and reason."""

    ended_on = forms.DateField(
        label=_("candidacy ended on"), widget=DateInput, initial=timezone.localdate
    )
    reason = forms.ChoiceField(
        # No reason preselected: ending a candidacy is final, so it is chosen, never defaulted.
        label=_("reason the candidacy ended"),
        choices=[("", "---------"), *Candidate.EndReason.choices],
    )
    note = forms.CharField(
        label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CandidateStepForm(PreselectSingleChoiceMixin, SubmissionTokenMixin, forms.Form):
    """The next step of a candidate's way: the steps offered are those the stage allows now;
    the fields a step needs are checked by the service, which says what is missing."""

    kind = forms.ChoiceField(label=_("step"))
    happened_on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)
    person = forms.ModelChoiceField(
        label=_("contact or introducer"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("For a training contact or an introducer: a full member of the branch."),
    )
    decision = forms.ModelChoiceField(
        label=_("decision of the branch general meeting"),
        queryset=MemberDecision.objects.none(),
        required=False,
        help_text=_("For a vote: the decision recorded under Elections and decisions."),
    )
    party_group = forms.ModelChoiceField(
        label=_("Party group"), queryset=PartyGroup.objects.none(), required=False
    )
    training_days = forms.IntegerField(
        label=_("training days"), min_value=0, max_value=365, required=False
    )
    training_hours = forms.IntegerField(
        label=_("training class hours"), min_value=0, max_value=2000, required=False
    )
    extended_until = forms.DateField(
        label=_("probation extended until"), widget=DateInput, required=False
    )
    done_by = forms.CharField(
        label=_("by whom"),
        max_length=100,
        required=False,
        help_text=_("Who talked, reviewed or decided (a person or a body)."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, candidate: Candidate, kinds: list[str], voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, CandidateStep.Kind(k).label) for k in kinds]
        self.fields["person"].queryset = voters
        self.fields["decision"].queryset = MemberDecision.objects.filter(
            branch_id=candidate.branch_id, is_valid=True, candidate_steps__isnull=True
        ).order_by("-held_on", "-pk")
        self.fields["decision"].label_from_instance = lambda d: (
            f"{d.held_on} · {d.get_kind_display()} · {d.subject_name}"
        )
        self.fields["party_group"].queryset = PartyGroup.objects.filter(
            branch_id=candidate.branch_id, dissolved_on__isnull=True
        ).order_by("name")
