from decimal import Decimal

from django import forms
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityLog, Rule, Suggestion
from assessments.models import Criterion, Cycle, DeploymentTask, Inspection, RuleVersion
from branches.models import Branch
from core.forms import DateInput, PreselectSingleChoiceMixin, RenderedValuesMixin, RevisionFormMixin


class CycleForm(PreselectSingleChoiceMixin, forms.ModelForm):
    branches = forms.ModelMultipleChoiceField(
        label=_("branches"),
        queryset=Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cycle
        fields = [
            "version",
            "name",
            "starts_on",
            "ends_on",
            "deploy_due",
            "inspect_due",
            "assess_due",
        ]
        widgets = dict.fromkeys(
            ("starts_on", "ends_on", "deploy_due", "inspect_due", "assess_due"), DateInput
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = RuleVersion.objects.filter(
            status=RuleVersion.Status.PUBLISHED
        )
        if not self.is_bound:
            self.initial.setdefault("branches", list(self.fields["branches"].queryset))


class TaskForm(PreselectSingleChoiceMixin, forms.ModelForm):
    class Meta:
        model = DeploymentTask
        fields = ["branch", "side", "title", "description", "due_on"]
        widgets = {"due_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        self.fields["branch"].queryset = cycle.branches.order_by("name")


class InspectionForm(PreselectSingleChoiceMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "branch",
            "held_on",
            "inspectors",
            "findings",
            "rectification",
            "rectification_due",
        ]
        widgets = {
            "held_on": DateInput,
            "rectification_due": DateInput,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "rectification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        self.fields["branch"].queryset = cycle.branches.order_by("name")


class ScoreForm(RenderedValuesMixin, forms.Form):
    """One row per scored item: a score and its evidence (self-assessment) or note (committee).

    Only the items the user changed are saved (compared with the values the form was shown
    with), so two people scoring different items of a branch at once both keep their scores."""

    current_argument = "scores"

    def __init__(self, *args, leaves: list[Criterion], scores: dict, as_committee: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for leaf in leaves:
            score = scores.get(leaf.pk)
            if leaf.method == Criterion.Method.COMPUTED:
                pass  # its score comes from the portal's data: shown, never typed
            elif leaf.category == Criterion.Category.VETO:
                self.fields[f"score_{leaf.pk}"] = forms.TypedChoiceField(
                    label=f"{leaf} · {_('score')}",
                    choices=[("0", _("Not triggered")), ("1", _("Triggered"))],
                    coerce=int,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
            else:
                self.fields[f"score_{leaf.pk}"] = forms.DecimalField(
                    label=f"{leaf} · {_('score')}",
                    min_value=0,
                    max_value=leaf.max_score,
                    decimal_places=2,
                    max_digits=6,
                    required=False,
                    help_text=_("0 to %(max)s") % {"max": leaf.max_score},
                    widget=forms.NumberInput(
                        attrs={"class": "form-control form-control-sm", "step": "0.5", "min": 0}
                    ),
                )
            text_label = _("committee note") if as_committee else _("supporting material")
            self.fields[f"text_{leaf.pk}"] = forms.CharField(
                label=f"{leaf} · {text_label}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )
            if score:
                value = score.committee_score if as_committee else score.self_score
                text = score.committee_note if as_committee else score.evidence
                if leaf.category == Criterion.Category.VETO and value is not None:
                    value = int(value)  # the choice "1", not "1.00"
                if f"score_{leaf.pk}" in self.fields:
                    self.initial[f"score_{leaf.pk}"] = value
                self.initial[f"text_{leaf.pk}"] = text

    def rows(self):
        """(leaf, score field or None for a computed item, text field) per item."""
        return [
            (
                leaf,
                self[name] if (name := f"score_{leaf.pk}") in self.fields else None,
                self[f"text_{leaf.pk}"],
            )
            for leaf in self.leaves
        ]

    @staticmethod
    def _pair(value, text) -> tuple[Decimal | None, str]:
        return (None if value is None or value == "" else Decimal(value), text or "")

    def values(self) -> dict[int, tuple[Decimal | None, str]]:
        """The (score, text) of each item the user changed."""
        changed = set(self.changed_by_user())
        return {
            leaf.pk: self._pair(
                self.cleaned_data.get(f"score_{leaf.pk}"), self.cleaned_data.get(f"text_{leaf.pk}")
            )
            for leaf in self.leaves
            if {f"score_{leaf.pk}", f"text_{leaf.pk}"} & changed
        }

    def shown(self) -> dict[int, tuple[Decimal | None, str]]:
        """The (score, text) each item had when the form was shown."""
        out = {}
        for leaf in self.leaves:
            name = f"score_{leaf.pk}"
            try:
                value = (
                    self.fields[name].clean(self.shown_raw(name)) if name in self.fields else None
                )
            except forms.ValidationError:
                value = None
            out[leaf.pk] = self._pair(value, self.shown_value(f"text_{leaf.pk}"))
        return out


class VersionForm(RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = RuleVersion
        fields = [
            "name",
            "year",
            "party_weight",
            "construction_weight",
            "excellent_from",
            "good_from",
            "pass_from",
        ]


class CriterionForm(PreselectSingleChoiceMixin, RevisionFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "parent",
            "code",
            "title",
            "category",
            "max_score",
            "method",
            "metric",
            "highest_only",
            "description",
            "evidence_needed",
            "order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, version: RuleVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.version = version
        parents = version.criteria.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class ScoreEvidenceForm(forms.Form):
    """What a self-scored item points at: the branch's activity logs, suggestions and rules of
    the cycle's period, and one optional document."""

    activities = forms.ModelMultipleChoiceField(
        label=_("Activity logs"),
        queryset=ActivityLog.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    suggestions = forms.ModelMultipleChoiceField(
        label=_("Suggestions"),
        queryset=Suggestion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rules = forms.ModelMultipleChoiceField(
        label=_("Rules"),
        queryset=Rule.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    document = forms.FileField(
        label=_("document (PDF or DOCX)"),
        required=False,
        help_text=_("Optional, up to 20 MB: only what the portal does not hold already."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "application/pdf,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )
    remove_document = forms.BooleanField(label=_("Remove the document"), required=False)

    def __init__(self, *args, choices, score=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = choices.activities
        self.fields["activities"].label_from_instance = lambda log: (
            f"{date_format(log.held_on)} · {log.kind.name} · {log.title}"
        )
        self.fields["suggestions"].queryset = choices.suggestions
        self.fields["suggestions"].label_from_instance = lambda item: (
            f"{date_format(item.submitted_on)} · {Truncator(item.content).chars(40)}"
        )
        self.fields["rules"].queryset = choices.rules
        self.fields["rules"].label_from_instance = lambda rule: (
            f"{rule.title} · {date_format(rule.effective_on)}"
        )
        if score is not None and score.pk:
            self.initial.update(
                activities=[a.pk for a in score.evidence_activities.all()],
                suggestions=[x.pk for x in score.evidence_suggestions.all()],
                rules=[r.pk for r in score.evidence_rules.all()],
            )
        if score is None or not score.evidence_file:
            del self.fields["remove_document"]
