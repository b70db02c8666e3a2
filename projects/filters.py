import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict
from branches.models import Branch
from core.forms import AnyYesNoSelect, OptionsOnDemandMixin
from projects.models import (
    Community,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectStage,
    Stage,
    Street,
    WorkingGroup,
)
from projects.selectors import SyncState

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ScopeFilterMixin(django_filters.FilterSet):
    """Hidden filters that narrow a list to one project, one community's projects or one
    street's: the scope of the workbench whose figures link to the list (home.dashboard.Scope),
    kept when the list is filtered further. `project_path` leads from a listed row to its
    project; a list whose rows reach their projects otherwise overrides `in_projects`. They
    only narrow what the user may see: another branch's project leaves the list empty."""

    project_path = "project"

    project = django_filters.ModelChoiceFilter(
        label=_("project"),
        queryset=Project.objects.all(),
        widget=forms.HiddenInput,
        method="filter_scope",
    )
    community = django_filters.ModelChoiceFilter(
        label=_("community"),
        queryset=Community.objects.all(),
        widget=forms.HiddenInput,
        method="filter_scope",
    )
    street = django_filters.ModelChoiceFilter(
        label=_("street"),
        queryset=Street.objects.all(),
        widget=forms.HiddenInput,
        method="filter_scope",
    )

    def filter_scope(self, queryset, name, value):
        lookup = {"project": "pk", "community": "community", "street": "community__street"}[name]
        return self.in_projects(queryset, Project.objects.filter(**{lookup: value.pk}))

    def in_projects(self, queryset, projects: QuerySet[Project]):
        return queryset.filter(**{f"{self.project_path}__in": projects.values("pk")})


class ProjectFilter(ScopeFilterMixin):
    project_path = "pk"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    community = django_filters.ModelChoiceFilter(
        label=_("community"), queryset=Community.objects.order_by("name")
    )
    category = django_filters.ChoiceFilter(label=_("category"), choices=Project.Category.choices)
    current_stage = django_filters.ChoiceFilter(label=_("current stage"), choices=Stage.choices)
    is_key_project = django_filters.BooleanFilter(
        label=_('"Double Hundred" key project'), widget=AnyYesNoSelect
    )
    has_branch = django_filters.ChoiceFilter(
        label=_("active branch"), choices=YES_NO, method="filter_has_branch"
    )
    under_way = django_filters.ChoiceFilter(
        label=_("under way"), choices=YES_NO, method="filter_under_way"
    )
    setup_sync = django_filters.ChoiceFilter(
        label=_("Branch set up with the engineering department"), choices=SyncState.choices
    )
    staffing_sync = django_filters.ChoiceFilter(
        label=_("Secretary appointed with the project manager"), choices=SyncState.choices
    )

    class Meta:
        model = Project
        fields = ["q", "community", "category", "current_stage", "is_key_project"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matching = Project.objects.filter(
            Q(name__icontains=value) | Q(participations__enterprise__name__icontains=value)
        )
        return queryset.filter(pk__in=matching.values("pk"))

    def filter_under_way(self, queryset, name, value):
        """Under way: no completion acceptance yet (as the workbench counts them)."""
        completed = ProjectStage.objects.filter(
            project=OuterRef("pk"), stage=Stage.COMPLETION, actual_on__isnull=False
        )
        return (
            queryset.exclude(Exists(completed))
            if value == "yes"
            else queryset.filter(Exists(completed))
        )

    def filter_has_branch(self, queryset, name, value):
        active = Branch.objects.filter(project=OuterRef("pk"), status=Branch.Status.ACTIVE)
        return (
            queryset.filter(Exists(active)) if value == "yes" else queryset.exclude(Exists(active))
        )


def visible_projects(request):
    """Only the projects the user may see are offered in the filter."""
    if request is None:
        return Project.objects.none()
    return restrict(Project.objects.order_by("name"), request.user, branch_path="branches__id")


class CoordinationFilter(OptionsOnDemandMixin, ScopeFilterMixin):
    options_on_demand = ("project",)

    status = django_filters.ChoiceFilter(label=_("status"), choices=CoordinationItem.Status.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("overdue"), choices=YES_NO, method="filter_overdue"
    )
    unresolved = django_filters.ChoiceFilter(
        label=_("unresolved"), choices=YES_NO, method="filter_unresolved"
    )
    project = django_filters.ModelChoiceFilter(label=_("project"), queryset=visible_projects)
    working_group_kind = django_filters.ChoiceFilter(
        label=_("working group"),
        choices=WorkingGroup.Kind.choices,
        field_name="working_group__kind",
    )

    class Meta:
        model = CoordinationItem
        fields = ["status", "overdue", "unresolved", "project", "working_group_kind"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value == "yes")

    def filter_unresolved(self, queryset, name, value):
        resolved = Q(status=CoordinationItem.Status.RESOLVED)
        return queryset.exclude(resolved) if value == "yes" else queryset.filter(resolved)


class EnterpriseFilter(ScopeFilterMixin):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    party_org_status = django_filters.ChoiceFilter(
        label=_("Party organisation"), choices=Enterprise.PartyOrgStatus.choices
    )

    class Meta:
        model = Enterprise
        fields = ["q", "party_org_status"]

    def in_projects(self, queryset, projects):
        return queryset.filter(pk__in=projects.values("enterprises"))
