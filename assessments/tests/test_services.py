import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import (
    Criterion,
    Cycle,
    DeploymentTask,
    Inspection,
    Result,
    RuleVersion,
    Score,
)
from assessments.tests.factories import leaf, make_cycle, make_version
from projects.models import CoordinationItem

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_published_version_is_frozen():
    version = make_version()
    with pytest.raises(ValidationError, match=r"frozen|冻结|新版本"):
        services.criterion_save(
            criterion=Criterion(
                version=version, code="9", title="新增", category="party", max_score=5
            )
        )
    copy = services.version_copy(version=version, name="考核细则（修订）", year=2027)
    assert copy.status == RuleVersion.Status.DRAFT and copy.based_on == version
    assert copy.criteria.count() == version.criteria.count()
    assert leaf(copy, "1-1").parent == leaf(copy, "1")  # the tree is copied, not shared
    services.criterion_save(
        criterion=Criterion(version=copy, code="9", title="新增", category="party", max_score=5)
    )


def test_weights_must_make_100():
    version = RuleVersion(name="x", year=2026, party_weight=60, construction_weight=30)
    with pytest.raises(ValidationError):
        version.full_clean()


def test_a_version_without_construction_is_not_published():
    version = RuleVersion.objects.create(name="只有党建", year=2026)
    Criterion.objects.create(
        version=version, code="1", title="党建", category="party", max_score=100
    )
    with pytest.raises(ValidationError):
        services.version_publish(version=version)


def test_a_cycle_applies_a_published_version_with_deadlines_in_order(branch):
    with pytest.raises(ValidationError) as error:
        make_cycle(make_version(published=False), [branch])
    assert "version" in error.value.error_dict
    with pytest.raises(ValidationError):
        make_cycle(make_version(name="v2"), [branch], inspect_due=D(2026, 1, 1))
    assert not Cycle.objects.exists()


def test_a_score_above_the_maximum_is_refused_and_nothing_saved(branch):
    version = make_version()
    cycle = make_cycle(version, [branch])
    values = {
        leaf(version, "1-1").pk: (Decimal(55), "台账"),
        leaf(version, "2-1").pk: (Decimal(101), ""),
    }
    with pytest.raises(ValidationError, match="2-1"):
        services.scores_save(
            cycle=cycle, branch=branch, values=values, actor=None, as_committee=False
        )
    assert not cycle.scores.exists()


def test_groups_and_other_versions_are_not_scored(branch):
    version = make_version()
    other = make_version(name="另一版本")
    cycle = make_cycle(version, [branch])
    for criterion in (leaf(version, "1"), leaf(other, "1-1")):
        with pytest.raises(ValidationError):
            services.scores_save(
                cycle=cycle,
                branch=branch,
                values={criterion.pk: (Decimal(1), "")},
                actor=None,
                as_committee=False,
            )


def test_a_branch_outside_the_cycle_is_not_scored(branch, other_branch):
    version = make_version()
    cycle = make_cycle(version, [branch])
    with pytest.raises(ValidationError):
        services.scores_save(
            cycle=cycle,
            branch=other_branch,
            values={leaf(version, "1-1").pk: (Decimal(1), "")},
            actor=None,
            as_committee=False,
        )


def test_the_committee_scores_in_the_assessment_phase(branch):
    version = make_version()
    cycle = make_cycle(version, [branch])
    values = {leaf(version, "1-1").pk: (Decimal(50), "")}
    with pytest.raises(ValidationError):
        services.scores_save(
            cycle=cycle, branch=branch, values=values, actor=None, as_committee=True
        )
    cycle = services.cycle_advance(cycle=cycle)
    cycle = services.cycle_advance(cycle=cycle)
    services.scores_save(cycle=cycle, branch=branch, values=values, actor=None, as_committee=True)
    with pytest.raises(ValidationError):
        services.cycle_advance(cycle=cycle)


def test_publishing_with_unscored_criteria_is_refused(branch):
    version = make_version()
    cycle = make_cycle(version, [branch], status=Cycle.Status.ASSESSING)
    services.scores_save(
        cycle=cycle,
        branch=branch,
        values={leaf(version, "1-1").pk: (Decimal(50), "")},
        actor=None,
        as_committee=True,
    )
    with pytest.raises(ValidationError, match="2-1"):
        services.results_publish(cycle=cycle)
    assert not Result.objects.exists()


def test_computed_criteria_fill_themselves_and_results_are_published(branch, other_branch):
    version = make_version()
    cycle = make_cycle(version, [branch, other_branch], status=Cycle.Status.ASSESSING)
    # Branch: two coordination items due in the period, one resolved on time: 50% of 40 = 20.
    CoordinationItem.objects.create(
        project=branch.project, branch=branch, title="a", raised_by="x", raised_on=D(2026, 1, 2),
        due_on=D(2026, 2, 1), status="resolved", resolved_on=D(2026, 1, 30),
    )  # fmt: skip
    CoordinationItem.objects.create(
        project=branch.project, branch=branch, title="b", raised_by="x", raised_on=D(2026, 1, 2),
        due_on=D(2026, 3, 1),
    )  # fmt: skip
    for b, party, construction, bonus in ((branch, 60, 90, 8), (other_branch, 50, 80, 0)):
        services.scores_save(
            cycle=cycle,
            branch=b,
            values={
                leaf(version, "1-1").pk: (Decimal(party), ""),
                leaf(version, "2-1").pk: (Decimal(construction), ""),
                leaf(version, "3-1").pk: (Decimal(bonus), ""),
            },
            actor=None,
            as_committee=True,
        )
    results = {r.branch: r for r in services.results_publish(cycle=cycle, on=D(2026, 7, 20))}
    # branch: party (60 + 20)/100 = 80%, construction 90%: 40 + 45 + 8 = 93.
    assert results[branch].party_score == Decimal("80.00")
    assert results[branch].total == Decimal("93.00") and results[branch].grade == "excellent"
    # other branch: nothing due, so the computed item earns its full 40: (50+40)% *.5 + 80*.5 = 85.
    assert results[other_branch].total == Decimal("85.00") and results[other_branch].grade == "good"
    assert (results[branch].rank, results[other_branch].rank) == (1, 2)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.scores_save(
            cycle=cycle,
            branch=branch,
            values={leaf(version, "1-1").pk: (Decimal(1), "")},
            actor=None,
            as_committee=True,
        )


@pytest.mark.parametrize("as_committee", [False, True])
def test_a_computed_item_takes_no_typed_score_and_nothing_is_half_saved(branch, as_committee):
    version = make_version()
    cycle = make_cycle(version, [branch], status=Cycle.Status.ASSESSING)
    with pytest.raises(ValidationError, match="1-2"):
        services.scores_save(
            cycle=cycle,
            branch=branch,
            values={
                leaf(version, "1-1").pk: (Decimal(50), ""),
                leaf(version, "1-2").pk: (Decimal(10), ""),
            },
            actor=None,
            as_committee=as_committee,
        )
    assert not Score.objects.exists()
    # Its evidence or note alone is welcome.
    services.scores_save(
        cycle=cycle,
        branch=branch,
        values={leaf(version, "1-2").pk: (None, "协调台账")},
        actor=None,
        as_committee=as_committee,
    )
    assert Score.objects.get().criterion == leaf(version, "1-2")


def test_a_computed_item_counts_its_computed_value_whatever_was_stored(branch):
    """A committee score stored on a computed item (before it was refused) does not replace
    the value computed from the data."""
    version = make_version()
    cycle = make_cycle(version, [branch], status=Cycle.Status.ASSESSING)
    computed = leaf(version, "1-2")
    Score.objects.create(cycle=cycle, branch=branch, criterion=computed, committee_score=5)
    values, unscored = services.leaf_values(cycle, branch)
    assert values[computed.pk] == Decimal("40.00")  # nothing due: the full 40
    assert computed not in unscored


def test_task_and_rectification_dates(branch):
    cycle = make_cycle(make_version(), [branch])
    task = services.task_assign(
        task=DeploymentTask(
            cycle=cycle, branch=branch, side="party", title="计划", due_on=D(2026, 1, 31)
        )
    )
    services.task_done(task=task, on=D(2026, 1, 20))
    with pytest.raises(ValidationError):
        services.task_done(task=task, on=D(2026, 1, 21))
    inspection = services.inspection_record(
        inspection=Inspection(
            cycle=cycle,
            branch=branch,
            held_on=D(2026, 5, 10),
            inspectors="检查组",
            findings="问题",
            rectification="整改",
            rectification_due=D(2026, 5, 31),
        )
    )
    with pytest.raises(ValidationError):
        services.inspection_rectified(inspection=inspection, on=D(2026, 5, 1))
    services.inspection_rectified(inspection=inspection, on=D(2026, 5, 20))
    with pytest.raises(ValidationError):
        services.inspection_record(
            inspection=Inspection(
                cycle=cycle,
                branch=branch,
                held_on=D(2026, 5, 10),
                inspectors="检查组",
                findings="问题",
                rectification="整改",
                rectification_due=D(2026, 5, 1),
            )
        )
