import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.tests.factories import BranchFactory, PartyGroupFactory
from projects import services
from projects.models import CoordinationEvent, CoordinationItem, ProjectStage, Stage
from projects.tests.factories import (
    CoordinationItemFactory,
    ProjectFactory,
    ProjectManagerFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


# Timeline ----------------------------------------------------------------------------------------


def test_timeline_is_saved_stage_by_stage():
    project = ProjectFactory()
    services.project_timeline_update(
        project=project,
        dates={
            Stage.APPROVAL: (D(2024, 1, 1), D(2024, 1, 5)),
            Stage.CONSTRUCTION_START: (D(2024, 6, 1), None),
        },
    )
    rows = {row.stage: row for row in project.stages.all()}
    assert set(rows) == {"approval", "construction_start"}
    assert rows["approval"].actual_on == D(2024, 1, 5)
    assert rows["construction_start"].sequence > rows["approval"].sequence


def test_stage_dates_out_of_order_are_refused_and_nothing_saved():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        services.project_timeline_update(
            project=project,
            dates={
                Stage.APPROVAL: (None, D(2024, 5, 1)),
                Stage.LAND_LISTING: (None, D(2024, 3, 1)),
            },
        )
    assert "land_listing_actual" in error.value.error_dict
    assert not ProjectStage.objects.exists()


def test_an_actual_date_cannot_be_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.project_timeline_update(
            project=ProjectFactory(), dates={Stage.APPROVAL: (None, tomorrow)}
        )
    assert "approval_actual" in error.value.error_dict


def test_stages_left_out_keep_their_dates():
    project = ProjectFactory()
    services.project_timeline_update(project=project, dates={Stage.APPROVAL: (None, D(2024, 1, 1))})
    # A later stage before the approval kept from last time is still out of order.
    with pytest.raises(ValidationError):
        services.project_timeline_update(
            project=project, dates={Stage.SCHEME_DESIGN: (None, D(2023, 1, 1))}
        )
    services.project_timeline_update(
        project=project, dates={Stage.SCHEME_DESIGN: (None, D(2024, 2, 1))}
    )
    assert project.stages.count() == 2


# Project managers and enterprises ----------------------------------------------------------------


def test_one_current_project_manager_at_a_time():
    manager = ProjectManagerFactory()
    with pytest.raises(ValidationError):
        services.project_manager_appoint(
            project=manager.project, name="张三", appointed_on=D(2025, 6, 1)
        )
    services.project_manager_end(manager=manager, ended_on=D(2025, 5, 31))
    services.project_manager_appoint(
        project=manager.project, name="张三", appointed_on=D(2025, 6, 1)
    )
    assert manager.project.managers.count() == 2


def test_an_appointment_cannot_end_before_it_starts():
    manager = ProjectManagerFactory(appointed_on=D(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.project_manager_end(manager=manager, ended_on=D(2025, 2, 1))


# Coordination ------------------------------------------------------------------------------------


def _raise(project, **kwargs):
    defaults = {
        "title": "道路占用",
        "raised_by": "项目工程部",
        "raised_on": D(2026, 1, 5),
        "due_on": D(2026, 2, 5),
        "actor": None,
    }
    return services.coordination_item_raise(project=project, **(defaults | kwargs))


def test_an_item_belongs_to_the_projects_active_branch():
    branch = BranchFactory()
    item = _raise(branch.project)
    assert item.branch == branch
    assert list(item.events.values_list("status", flat=True)) == ["open"]


def test_an_item_on_a_project_without_branch_belongs_to_the_committee():
    assert _raise(ProjectFactory()).branch is None


def test_a_working_group_of_another_project_is_refused():
    with pytest.raises(ValidationError) as error:
        _raise(ProjectFactory(), working_group=WorkingGroupFactory())
    assert "working_group" in error.value.error_dict
    assert not CoordinationItem.objects.exists()


def test_a_party_group_of_another_branch_is_refused():
    branch = BranchFactory()
    with pytest.raises(ValidationError) as error:
        _raise(branch.project, owner_party_group=PartyGroupFactory())
    assert "owner_party_group" in error.value.error_dict


def test_due_date_before_raised_is_refused():
    with pytest.raises(ValidationError):
        _raise(ProjectFactory(), raised_on=D(2026, 3, 1), due_on=D(2026, 2, 1))


def test_the_same_form_sent_twice_makes_one_item():
    project = ProjectFactory()
    token = uuid.uuid4()
    first = _raise(project, submission_token=token)
    second = _raise(project, submission_token=token)
    assert first == second
    assert CoordinationItem.objects.count() == 1
    assert CoordinationEvent.objects.count() == 1


def test_item_moves_and_keeps_every_step():
    item = _raise(BranchFactory().project)
    services.coordination_item_move(
        item=item, to_status="in_progress", happened_on=D(2026, 1, 6), actor=None
    )
    services.coordination_item_move(
        item=item, to_status="escalated", happened_on=D(2026, 1, 20), actor=None, note="逾期"
    )
    item = services.coordination_item_move(
        item=item, to_status="resolved", happened_on=D(2026, 2, 1), actor=None, note="已解决"
    )
    assert (item.status, item.resolved_on, item.escalated_on) == (
        "resolved",
        D(2026, 2, 1),
        D(2026, 1, 20),
    )
    assert item.resolution == "已解决"
    assert list(item.events.values_list("status", flat=True)) == [
        "open",
        "in_progress",
        "escalated",
        "resolved",
    ]


def test_a_resolved_item_cannot_move_again():
    item = CoordinationItemFactory(status="resolved", resolved_on=D(2026, 1, 10))
    with pytest.raises(ValidationError) as error:
        services.coordination_item_move(
            item=item, to_status="in_progress", happened_on=D(2026, 1, 11), actor=None
        )
    assert "to_status" in error.value.error_dict


def test_resolving_needs_a_note_and_a_sensible_date():
    item = CoordinationItemFactory(raised_on=D(2026, 1, 5))
    with pytest.raises(ValidationError) as error:
        services.coordination_item_move(
            item=item, to_status="resolved", happened_on=D(2026, 1, 9), actor=None
        )
    assert "note" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.coordination_item_move(
            item=item, to_status="in_progress", happened_on=D(2026, 1, 1), actor=None
        )
    assert "happened_on" in error.value.error_dict
    item.refresh_from_db()
    assert item.status == "open"
