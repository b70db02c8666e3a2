import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.access import restrict
from branches.models import Branch, PartyGroup
from core.forms import AnyYesNoSelect, OptionsOnDemandMixin
from members.models import Member, Participation, PioneerPost, Transfer
from projects.filters import ScopeFilterMixin
from projects.models import Enterprise

STATES = [("active", _("Active in a branch")), ("left", _("Left"))]


def visible_branches(request):
    if request is None:
        return Branch.objects.none()
    return restrict(Branch.objects.order_by("name"), request.user, branch_path="id")


def visible_groups(request):
    if request is None:
        return PartyGroup.objects.none()
    return restrict(
        PartyGroup.objects.select_related("branch").order_by("branch__name", "name"),
        request.user,
        branch_path="branch_id",
    )


class MemberFilter(OptionsOnDemandMixin, ScopeFilterMixin):
    options_on_demand = ("branch", "party_group", "employer_enterprise")

    q = django_filters.CharFilter(label=_("Name or phone"), method="search")
    branch = django_filters.ModelChoiceFilter(
        label=_("branch"), queryset=visible_branches, method="filter_branch"
    )
    party_group = django_filters.ModelChoiceFilter(
        label=_("Party group"), queryset=visible_groups, method="filter_group"
    )
    standing = django_filters.ChoiceFilter(label=_("membership"), choices=Member.Standing.choices)
    is_floating = django_filters.BooleanFilter(label=_("floating member"), widget=AnyYesNoSelect)
    relation_state = django_filters.ChoiceFilter(
        label=_("organisational relation"), choices=Member.RelationState.choices
    )
    employer_enterprise = django_filters.ModelChoiceFilter(
        label=_("employing enterprise"), queryset=Enterprise.objects.order_by("name")
    )
    state = django_filters.ChoiceFilter(label=_("state"), choices=STATES, method="filter_state")
    pioneer = django_filters.BooleanFilter(
        label=_("holds a pioneer post"), method="filter_pioneer", widget=AnyYesNoSelect
    )

    class Meta:
        model = Member
        fields = ["q", "branch", "party_group", "standing", "is_floating", "relation_state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(phone__contains=value))

    def in_projects(self, queryset, projects):
        """Members active in a branch of the projects (as the workbench counts them)."""
        return queryset.filter(
            pk__in=Participation.objects.filter(
                left_on__isnull=True, branch__project__in=projects.values("pk")
            ).values("member_id")
        )

    def filter_branch(self, queryset, name, value):
        return queryset.filter(
            pk__in=Member.objects.filter(
                participations__branch=value, participations__left_on__isnull=True
            ).values("pk")
        )

    def filter_group(self, queryset, name, value):
        return queryset.filter(
            pk__in=Member.objects.filter(
                participations__party_group=value, participations__left_on__isnull=True
            ).values("pk")
        )

    def filter_pioneer(self, queryset, name, value):
        holding = PioneerPost.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)
        return queryset.filter(Exists(holding)) if value else queryset.exclude(Exists(holding))

    def filter_state(self, queryset, name, value):
        # A condition, not an annotation of every row: annotated, the database hashed every
        # active participation (100,000) to show a page of 50.
        active = Exists(Participation.objects.filter(member=OuterRef("pk"), left_on__isnull=True))
        return queryset.filter(active) if value == "active" else queryset.exclude(active)


class TransferScopeFilter(ScopeFilterMixin):
    """The transfers page narrowed to the workbench's scope."""

    project_path = "to_branch__project"

    class Meta:
        model = Transfer
        fields: list[str] = []
