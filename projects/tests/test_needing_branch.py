"""The set-up rule for projects: six months or more, three full members on site, no branch."""

import datetime

import pytest
from django.urls import reverse

from branches.tests.factories import BranchFactory
from members.models import Member
from members.tests.factories import MemberFactory
from projects.models import STAGE_SEQUENCE, ProjectStage, Stage
from projects.selectors import projects_needing_branch
from projects.tests.factories import EnterpriseFactory, ProjectEnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def stage(project, which, *, planned=None, actual=None):
    ProjectStage.objects.create(
        project=project,
        stage=which,
        sequence=STAGE_SEQUENCE[which],
        planned_on=planned,
        actual_on=actual,
    )


START, END = D(2025, 1, 1), D(2025, 7, 1)


def site(*, full=3, probationary=0, start=START, end=END, name=None):
    project = ProjectFactory(**({"name": name} if name else {}))
    enterprise = EnterpriseFactory()
    ProjectEnterpriseFactory(project=project, enterprise=enterprise)
    for _ in range(full):
        MemberFactory(
            employer_kind=Member.EmployerKind.ENTERPRISE,
            employer_enterprise=enterprise,
            employer_name="",
        )
    for _ in range(probationary):
        MemberFactory(
            employer_kind=Member.EmployerKind.ENTERPRISE,
            employer_enterprise=enterprise,
            employer_name="",
            standing=Member.Standing.PROBATIONARY,
            full_member_on=None,
        )
    if start:
        stage(project, Stage.CONSTRUCTION_START, actual=start)
    if end:
        stage(project, Stage.COMPLETION, planned=end)
    return project


def test_six_months_and_three_full_members_without_a_branch():
    needing = site(name="甲项目")
    site(name="乙项目", end=D(2025, 6, 30))  # a day short of six months
    site(name="丙项目", full=2, probationary=5)  # probationary members do not count
    covered = site(name="丁项目")
    BranchFactory(project=covered)
    running_on = site(name="戊项目", end=None)  # no completion date: it runs on
    site(name="己项目", start=None)  # not started: nothing to say yet
    completed = site(name="庚项目", end=None)
    stage(completed, Stage.COMPLETION, actual=D(2025, 12, 1))
    result = projects_needing_branch()
    assert [(p, p.full_on_site) for p in result] == [(running_on, 3), (needing, 3)]  # by name


def test_an_enterprise_that_has_left_the_project_does_not_count():
    project = site(full=3)
    project.participations.update(ended_on=D(2025, 5, 1))
    assert projects_needing_branch() == []


def test_the_project_list_and_page_say_so(staff_client):
    project = site(name="甲项目")
    response = staff_client.get(reverse("projects:list"))
    assert response.context["needing_branch"] == [project]
    assert 'id="projects-needing-branch"' in response.content.decode()
    response = staff_client.get(project.get_absolute_url())
    assert response.context["needs_branch"] == [project]
    assert 'id="needs-branch"' in response.content.decode()
    BranchFactory(project=project)
    assert staff_client.get(reverse("projects:list")).context["needing_branch"] == []
