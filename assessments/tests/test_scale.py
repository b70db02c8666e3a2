"""Scoring a cycle is set-based: its queries do not grow with the number of branches."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Criterion, Cycle, DeploymentTask, Inspection, Score
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


@pytest.mark.parametrize("url_name", ["assessments:cycle_detail", "assessments:cycle_results"])
def test_the_cycle_pages_cost_the_same_queries_for_5_and_50_branches(staff_client, url_name):
    version = version_with_every_metric()
    cycles = [scored_cycle(version, 5, "小"), scored_cycle(version, 50, "大")]

    def count(cycle):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse(url_name, args=[cycle.pk]))
        assert response.status_code == 200
        return len(queries)

    assert count(cycles[0]) == count(cycles[1])  # in progress: the preview
    for cycle in cycles:
        services.results_publish(cycle=cycle)
    assert count(cycles[0]) == count(cycles[1])  # published: the stored ranking


def test_the_cycle_pages_show_50_branches_a_page(staff_client):
    cycle = scored_cycle(make_version(), 51, "大")
    for number in range(51):
        DeploymentTask.objects.create(
            cycle=cycle, branch=cycle.branches.first(), title=f"任务{number}",
            side="party", due_on=D(2026, 3, 1),
        )  # fmt: skip
    detail = reverse("assessments:cycle_detail", args=[cycle.pk])
    first, second = staff_client.get(detail), staff_client.get(detail, {"page": 2})
    assert (len(first.context["page"]), len(second.context["page"])) == (50, 1)
    assert "共 51 条" in first.content.decode()
    assert second.context["page"][0] not in list(first.context["page"])
    # The tasks are a list of their own: their page does not move the branches'.
    response = staff_client.get(detail, {"page": 2, "tasks_page": 1})
    tasks = response.context["tasks"]
    assert (tasks.paginator.count, len(tasks)) == (51, 50)
    assert "?page=2&amp;tasks_page=2" in response.content.decode()  # the next page of tasks
    results = reverse("assessments:cycle_results", args=[cycle.pk])
    ranked = [row["rank"] for row in staff_client.get(results, {"page": 2}).context["page"]]
    assert len(ranked) == 1 and ranked[0] > 1  # ranked among all 51, not within the page


def test_each_metric_is_counted_for_its_own_branch():
    """Two branches measured in one pass: a pocket member still waiting and a transfer done in
    the first; a rectification late in the second; nothing to measure gives None."""
    from assessments import metrics
    from members.models import Member, Transfer
    from members.tests.factories import MemberFactory, ParticipationFactory

    first, second = BranchFactory(), BranchFactory()
    cycle = make_cycle(make_version(), [first, second], status=Cycle.Status.ASSESSING)
    waiting = MemberFactory(relation_state=Member.RelationState.IN_POCKET)
    ParticipationFactory(member=waiting, branch=first, joined_on=D(2026, 1, 5))
    Transfer.objects.create(
        member=MemberFactory(), to_branch=first, from_organisation="老家党支部",
        status=Transfer.Status.COMPLETED, requested_on=D(2026, 2, 1), closed_on=D(2026, 3, 1),
    )  # fmt: skip
    Inspection.objects.create(
        cycle=cycle, branch=second, held_on=D(2026, 3, 1), inspectors="x", findings="y",
        rectification="z", rectification_due=D(2026, 3, 31), rectified_on=D(2026, 4, 2),
    )  # fmt: skip
    branches = [first, second]
    pocket = metrics.rates(Criterion.Metric.POCKET_TRANSFERRED, branches=branches, cycle=cycle)
    assert pocket == {first.pk: Decimal(1) / Decimal(2), second.pk: None}
    rectified = metrics.rates(Criterion.Metric.RECTIFIED_ON_TIME, branches=branches, cycle=cycle)
    assert rectified == {first.pk: None, second.pk: Decimal(0)}
