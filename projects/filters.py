import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict
from branches.models import Branch
from core.forms import AnyYesNoSelect, OptionsOnDemandMixin
from projects.models import Community, CoordinationItem, Enterprise, Project, Stage, WorkingGroup
from projects.selectors import SyncState

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ProjectFilter(django_filters.FilterSet):
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


class CoordinationFilter(OptionsOnDemandMixin, django_filters.FilterSet):
    options_on_demand = ("project",)

    status = django_filters.ChoiceFilter(label=_("status"), choices=CoordinationItem.Status.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("overdue"), choices=YES_NO, method="filter_overdue"
    )
    project = django_filters.ModelChoiceFilter(label=_("project"), queryset=visible_projects)
    working_group_kind = django_filters.ChoiceFilter(
        label=_("working group"),
        choices=WorkingGroup.Kind.choices,
        field_name="working_group__kind",
    )

    class Meta:
        model = CoordinationItem
        fields = ["status", "overdue", "project", "working_group_kind"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value == "yes")


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    party_org_status = django_filters.ChoiceFilter(
        label=_("Party organisation"), choices=Enterprise.PartyOrgStatus.choices
    )

    class Meta:
        model = Enterprise
        fields = ["q", "party_org_status"]
