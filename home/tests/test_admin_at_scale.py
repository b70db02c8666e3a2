"""The Django admin at city scale (a million activity logs, 100,000 members): each changelist
reads its foreign-key columns in the same query, the big tables show no full count and no
date_hierarchy, and their default ordering is served by an index."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import ActivityLog, Attendance
from activities.tests.factories import ActivityLogFactory
from assessments.models import Notification, Result, Score
from branches.tests.factories import BranchFactory, PartyGroupFactory
from core.pagination import ListPaginator
from members.models import Member, Participation

pytestmark = pytest.mark.django_db

# The tables that grow with the city: a changelist over them shows no full count (a second
# COUNT(*) of the whole table on every page), counts its filtered total through the portal's
# paginator (kept a minute when large), and has no date_hierarchy (a DISTINCT over every date).
OUR_APPS = {"accounts", "projects", "branches", "members", "activities", "assessments", "core"}
BIG_MODELS = {ActivityLog, Attendance, Member, Participation, Notification, Score, Result}


def _foreign_key_columns(model_admin) -> set[str]:
    columns = set()
    for name in model_admin.list_display:
        if not isinstance(name, str):
            continue
        try:
            field = model_admin.model._meta.get_field(name)
        except FieldDoesNotExist:  # a method or property, not a field
            field = None
        if isinstance(field, models.ForeignKey | models.OneToOneField):
            columns.add(name)
    return columns


def test_every_changelist_reads_its_foreign_key_columns_with_its_rows():
    missing = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        columns = _foreign_key_columns(model_admin)
        if not columns:
            continue
        related = model_admin.list_select_related
        if related is True:
            continue
        absent = columns - set(related or ())
        if absent:
            missing[model._meta.label] = sorted(absent)
    assert missing == {}


def test_the_big_tables_show_no_full_count_and_no_date_hierarchy():
    for model in BIG_MODELS:
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue  # shown only inline, a few rows of one object
        assert model_admin.show_full_result_count is False, model._meta.label
        assert model_admin.date_hierarchy is None, model._meta.label
        # The filtered total still shown: over 10,000 rows, counted once a minute.
        assert issubclass(model_admin.paginator, ListPaginator), model._meta.label


def _field(model, name: str):
    name = name.lstrip("-")
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _served_by_an_index(model, ordering) -> bool:
    """The ordering's columns are the first columns of an index, or start with a unique one."""
    fields = [_field(model, name) for name in ordering]  # a join (branch__name) fails here
    if fields[0].unique or fields[0].primary_key:
        return True
    columns = [field.column for field in fields]
    for index in model._meta.indexes:
        indexed = [_field(model, name).column for name in index.fields]
        if indexed[: len(columns)] == columns:
            return True
    return False


@pytest.mark.parametrize(
    "model",
    sorted((m for m in BIG_MODELS if m in admin.site._registry), key=lambda m: m._meta.label),
)
def test_the_default_ordering_of_a_big_changelist_is_served_by_an_index(model, rf, committee_admin):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = committee_admin
    changelist = model_admin.get_changelist_instance(request)
    # The order the changelist really asks for, with the admin's own tiebreaker.
    ordering = []
    for name in changelist.get_ordering(request, changelist.root_queryset):
        # A key repeated later in an ORDER BY changes nothing: keep its first place.
        if isinstance(name, str) and name.lstrip("-") not in {n.lstrip("-") for n in ordering}:
            ordering.append(name)
    assert _served_by_an_index(model, ordering), (model._meta.label, ordering)


def _grow_logs(n):
    for _ in range(n):
        branch = BranchFactory()
        ActivityLogFactory(branch=branch, party_group=PartyGroupFactory(branch=branch))


def test_the_activity_log_changelist_costs_the_same_queries_at_ten_times_the_rows(
    client, committee_admin
):
    client.force_login(committee_admin)
    url = reverse("admin:activities_activitylog_changelist")
    _grow_logs(5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_logs(45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 50
    assert len(large) == len(small)
