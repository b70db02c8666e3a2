"""The filters every list takes: a branch, a period on the row's own date, `updated_since`."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from members.models import Member, Participation


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number in the database's range (a larger one is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def filterset_for(model, *, branch: str, date: str | None, updated: bool = True):
    """A FilterSet for `model`: `branch` (the id, at the lookup `branch`), `date_from` and
    `date_to` on the field `date`, and `updated_since` on updated_at."""
    attrs = {
        "branch": IdFilter(field_name=branch, label=_("Only rows of this branch (its id).")),
    }
    if date:
        attrs["date_from"] = django_filters.DateFilter(
            field_name=date, lookup_expr="gte", label=_("Only rows dated on or after this day.")
        )
        attrs["date_to"] = django_filters.DateFilter(
            field_name=date, lookup_expr="lte", label=_("Only rows dated on or before this day.")
        )
    if updated:
        attrs["updated_since"] = django_filters.IsoDateTimeFilter(
            field_name="updated_at",
            lookup_expr="gte",
            label=_("Only rows changed at or after this moment (ISO 8601): sync the changes."),
        )
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), {**attrs, "Meta": meta})


class MemberFilter(
    filterset_for(Member, branch="participations__branch_id", date="joined_party_on")
):
    branch = IdFilter(
        method="in_branch", label=_("Only members who took part in this branch (its id).")
    )

    def in_branch(self, queryset, name, value):
        # Through a subquery: a member with two periods in the branch stays one row.
        return queryset.filter(
            pk__in=Participation.objects.filter(branch_id=value).values("member_id")
        )

    class Meta:
        model = Member
        fields = []


ParticipationFilter = filterset_for(Participation, branch="branch_id", date="joined_on")
