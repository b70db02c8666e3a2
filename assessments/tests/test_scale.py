"""Scoring a cycle is set-based: its queries do not grow with the number of branches."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Criterion, Cycle, Inspection, Score
from assessments.tests.factories import make_cycle, make_version
from branches.tests.factories import BranchFactory
from projects.models import CoordinationItem

pytestmark = pytest.mark.django_db
D = datetime.date


def version_with_every_metric():
    version = make_version(published=False)
    party = version.criteria.get(code="1")
    for n, metric in enumerate(Criterion.Metric.values, start=3):
        Criterion.objects.create(
            version=version, parent=party, code=f"1-{n}", title=metric, category="party",
            max_score=Decimal(10), method="computed", metric=metric,
        )  # fmt: skip
    return services.version_publish(version=version, on=D(2026, 1, 10))


def scored_cycle(version, count: int, name: str) -> Cycle:
    branches = [BranchFactory(established_on=D(2025, 1, 1)) for _ in range(count)]
    cycle = make_cycle(version, branches, name=name, status=Cycle.Status.ASSESSING)
    for i, branch in enumerate(branches):
        CoordinationItem.objects.create(
            project=branch.project, branch=branch, title="a", raised_by="x",
            raised_on=D(2026, 1, 2), due_on=D(2026, 2, 1), status="resolved",
            resolved_on=D(2026, 1, 20) + datetime.timedelta(days=i % 20),
        )  # fmt: skip
        Inspection.objects.create(
            cycle=cycle, branch=branch, held_on=D(2026, 3, 1), inspectors="x", findings="y",
            rectification="z", rectification_due=D(2026, 3, 31), rectified_on=D(2026, 3, 20),
        )  # fmt: skip
        Score.objects.bulk_create(
            Score(cycle=cycle, branch=branch, criterion=leaf, committee_score=Decimal(i % 50))
            for leaf in services.hand_scored_leaves_of(version)
        )
    return cycle


def test_preview_and_publishing_cost_the_same_queries_for_5_and_50_branches():
    version = version_with_every_metric()
    small, large = scored_cycle(version, 5, "小"), scored_cycle(version, 50, "大")
    counts = []
    for cycle in (small, large):
        with CaptureQueriesContext(connection) as preview:
            rows = services.results_preview(cycle=cycle)
        with CaptureQueriesContext(connection) as publish:
            results = services.results_publish(cycle=cycle)
        assert len(rows) == len(results) == cycle.branches.count()
        counts.append((len(preview), len(publish)))
    assert counts[0] == counts[1]


def test_the_set_based_preview_gives_each_branch_its_own_values():
    """A branch's coordination items weigh only on its own computed item."""
    version = make_version()
    on_time, late = BranchFactory(), BranchFactory()
    cycle = make_cycle(version, [on_time, late], status=Cycle.Status.ASSESSING)
    for branch, resolved in ((on_time, D(2026, 1, 30)), (late, D(2026, 2, 20))):
        CoordinationItem.objects.create(
            project=branch.project, branch=branch, title="a", raised_by="x",
            raised_on=D(2026, 1, 2), due_on=D(2026, 2, 1), status="resolved", resolved_on=resolved,
        )  # fmt: skip
    item = version.criteria.get(code="1-2")
    values = {
        branch.pk: services.leaf_values(cycle, branch)[0][item.pk] for branch in (on_time, late)
    }
    assert values == {on_time.pk: Decimal("40.00"), late.pk: Decimal("0.00")}
    rows = {row["branch"]: row for row in services.results_preview(cycle=cycle)}
    assert rows[on_time]["rank"] == 1 and rows[late]["rank"] == 2


def test_the_cycle_page_costs_the_same_queries_for_5_and_50_branches(staff_client):
    version = version_with_every_metric()
    counts = []
    for count, name in ((5, "小"), (50, "大")):
        cycle = scored_cycle(version, count, name)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("assessments:cycle_detail", args=[cycle.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
