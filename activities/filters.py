import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict
from activities.models import ActivityKind, ActivityLog, Campaign, CampaignItem, Suggestion
from branches.models import Branch
from core.forms import DateInput, OptionsOnDemandMixin
from projects.filters import ScopeFilterMixin
from projects.models import Project


def visible_branches(request):
    if request is None:
        return Branch.objects.none()
    return restrict(Branch.objects.order_by("name"), request.user, branch_path="id")


def visible_projects(request):
    if request is None:
        return Project.objects.none()
    return restrict(Project.objects.order_by("name"), request.user, branch_path="branches__id")


class ActivityFilter(OptionsOnDemandMixin, ScopeFilterMixin):
    options_on_demand = ("branch",)
    project_path = "branch__project"

    branch = django_filters.ModelChoiceFilter(label=_("branch"), queryset=visible_branches)
    kind = django_filters.ModelChoiceFilter(
        label=_("kind"), queryset=ActivityKind.objects.order_by("order")
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=ActivityLog.Status.choices)
    campaign = django_filters.ModelChoiceFilter(
        label=_("campaign"),
        queryset=Campaign.objects.order_by("-starts_on"),
        field_name="campaign_item__campaign",
    )
    campaign_item = django_filters.ModelChoiceFilter(
        label=_("campaign item"),
        queryset=CampaignItem.objects.select_related("campaign").order_by("-campaign__starts_on"),
    )
    held_from = django_filters.DateFilter(
        label=_("date from"), field_name="held_on", lookup_expr="gte", widget=DateInput
    )
    held_until = django_filters.DateFilter(
        label=_("date until"), field_name="held_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = ActivityLog
        fields = [
            "branch", "kind", "status", "campaign", "campaign_item", "held_from", "held_until",
        ]  # fmt: skip


class SuggestionFilter(OptionsOnDemandMixin, ScopeFilterMixin):
    options_on_demand = ("project",)

    project = django_filters.ModelChoiceFilter(label=_("project"), queryset=visible_projects)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Suggestion.Status.choices)
    submitted_from = django_filters.DateFilter(
        label=_("date from"), field_name="submitted_on", lookup_expr="gte", widget=DateInput
    )
    submitted_until = django_filters.DateFilter(
        label=_("date until"), field_name="submitted_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Suggestion
        fields = ["project", "status", "submitted_from", "submitted_until"]


class LedgerFilter(ActivityFilter):
    """The ledger's filters: the list's, and a year (held_from/held_until give any other
    period)."""

    year = django_filters.NumberFilter(
        label=_("year"), field_name="held_on", lookup_expr="year", min_value=2000, max_value=2100
    )


class BranchScopeFilter(ScopeFilterMixin):
    """The compliance grid narrowed to the workbench's scope."""

    class Meta:
        model = Branch
        fields: list[str] = []
