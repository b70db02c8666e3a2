import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Community, Project


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    community = django_filters.ModelChoiceFilter(
        label=_("community"), queryset=Community.objects.order_by("name")
    )
    category = django_filters.ChoiceFilter(label=_("category"), choices=Project.Category.choices)
    is_key_project = django_filters.BooleanFilter(label=_('"Double Hundred" key project'))

    class Meta:
        model = Project
        fields = ["q", "community", "category", "is_key_project"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(participations__enterprise__name__icontains=value)
        ).distinct()
