import datetime

import pytest
from django.utils import timezone

from branches.tests.factories import BranchFactory, SeatFactory
from projects import services
from projects.models import Project, Stage
from projects.selectors import (
    SyncState,
    lead_times_for_street,
    timeline_of_project,
    with_timeline_and_sync,
)
from projects.tests.factories import ProjectFactory, ProjectManagerFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def annotated(project: Project) -> Project:
    return with_timeline_and_sync(Project.objects.all()).get(pk=project.pk)


@pytest.mark.parametrize(
    ("engineering", "branch", "expected"),
    [
        (D(2025, 3, 1), D(2025, 3, 31), SyncState.IN_STEP),  # 30 days: still together
        (D(2025, 3, 1), D(2025, 4, 1), SyncState.OUT_OF_STEP),  # 31 days after
        (D(2025, 3, 1), D(2025, 1, 29), SyncState.OUT_OF_STEP),  # 31 days before
        (D(2025, 3, 1), D(2025, 1, 30), SyncState.IN_STEP),
        (None, D(2025, 3, 1), SyncState.UNKNOWN),
    ],
)
def test_branch_set_up_with_the_engineering_department(engineering, branch, expected):
    project = ProjectFactory(engineering_established_on=engineering)
    BranchFactory(project=project, established_on=branch)
    assert annotated(project).setup_sync == expected


def test_no_branch_is_pending_within_the_tolerance_then_out_of_step():
    today = timezone.localdate()
    recent = ProjectFactory(engineering_established_on=today - datetime.timedelta(days=10))
    old = ProjectFactory(engineering_established_on=today - datetime.timedelta(days=31))
    assert annotated(recent).setup_sync == SyncState.PENDING
    assert annotated(old).setup_sync == SyncState.OUT_OF_STEP


def test_the_tolerance_is_a_setting(settings):
    settings.SYNC_TOLERANCE_DAYS = 60
    project = ProjectFactory(engineering_established_on=D(2025, 3, 1))
    BranchFactory(project=project, established_on=D(2025, 4, 20))
    assert annotated(project).setup_sync == SyncState.IN_STEP


def test_secretary_appointed_with_the_project_manager():
    project = ProjectFactory()
    ProjectManagerFactory(project=project, appointed_on=D(2025, 3, 1))
    branch = BranchFactory(project=project)
    SeatFactory(branch=branch, started_on=D(2025, 5, 1))  # 61 days later
    row = annotated(project)
    assert row.staffing_sync == SyncState.OUT_OF_STEP
    assert row.staffing_gap.days == 61
    # Sync looks at the first secretary: a later successor does not change it.
    assert row.first_secretary_on == D(2025, 5, 1)


def test_current_stage_and_lead_times():
    project = ProjectFactory()
    services.project_timeline_update(
        project=project,
        dates={
            Stage.APPROVAL: (None, D(2024, 9, 10)),
            Stage.CONSTRUCTION_START: (None, D(2025, 3, 5)),
        },
    )
    row = annotated(project)
    assert row.current_stage == Stage.CONSTRUCTION_START
    assert row.approval_to_start.days == 176
    assert row.start_to_completion is None


def test_timeline_marks_late_and_overdue_stages():
    today = timezone.localdate()
    project = ProjectFactory()
    services.project_timeline_update(
        project=project,
        dates={
            Stage.APPROVAL: (D(2024, 1, 1), D(2024, 1, 11)),
            Stage.LAND_LISTING: (today - datetime.timedelta(days=5), None),
        },
    )
    rows = {row.stage: row for row in timeline_of_project(project=annotated(project))}
    assert rows[Stage.APPROVAL].days_late == 10 and not rows[Stage.APPROVAL].is_overdue
    assert rows[Stage.LAND_LISTING].is_overdue and rows[Stage.LAND_LISTING].days_late == 5
    assert rows[Stage.APPROVAL].is_current
    assert rows[Stage.OPENING].planned_on is None


def test_lead_times_list_only_projects_with_an_approval(street_staff):
    with_dates = ProjectFactory()
    ProjectFactory()
    services.project_timeline_update(
        project=with_dates, dates={Stage.APPROVAL: (None, D(2024, 1, 1))}
    )
    assert [p.pk for p in lead_times_for_street(user=street_staff)] == [with_dates.pk]
