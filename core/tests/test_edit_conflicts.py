"""Every record edited through a form refuses a save based on an older revision: two people open
the same edit page, both save; the second is told what changed, keeps what they typed, and
nothing is overwritten. Saving again then keeps both changes."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StreetStaffFactory
from activities.models import Brand
from assessments.tests.factories import leaf, make_version
from branches.tests.factories import BranchFactory, PartyGroupFactory
from core.tests.html import shown_form
from members.tests.factories import ParticipationFactory
from projects.models import ProjectStage
from projects.tests.factories import EnterpriseFactory, ProjectFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    record: object
    url: str
    first: dict  # what the first person changes (and saves first)
    second: dict  # what the second person changes, on the page opened before that save


def project():
    record = ProjectFactory()
    return Case(
        record,
        reverse("projects:edit", args=[record.pk]),
        {"description": "甲"},
        {"name": "新项目名"},
    )


def enterprise():
    record = EnterpriseFactory()
    url = reverse("projects:enterprise_edit", args=[record.pk])
    return Case(record, url, {"party_contact_name": "李联络"}, {"name": "新建设集团"})


def working_group():
    record = WorkingGroupFactory()
    url = reverse("projects:working_group_edit", args=[record.pk])
    return Case(record, url, {"leader_name": "王组长"}, {"name": "新协调小组"})


def branch():
    record = BranchFactory()
    url = reverse("branches:edit", args=[record.pk])
    return Case(record, url, {"established_on": "2025-02-01"}, {"name": "新支部名"})


def party_group():
    record = PartyGroupFactory()
    url = reverse("branches:party_group_edit", args=[record.pk])
    return Case(record, url, {"leader_name": "赵组长"}, {"name": "第二党小组"})


def member():
    record = ParticipationFactory().member
    url = reverse("members:edit", args=[record.pk])
    return Case(record, url, {"job": "安全员"}, {"employer_name": "新劳务公司"})


def brand():
    target = BranchFactory()
    record = Brand.objects.create(
        branch=target, name="红色工地", pillar_1="一", pillar_2="二", pillar_3="三"
    )
    url = reverse("activities:brand_edit", args=[target.pk])
    return Case(record, url, {"slogan": "党旗飘在工地上"}, {"story": "从一间工棚开始"})


def rule_version():
    record = make_version(published=False)
    url = reverse("assessments:version_edit", args=[record.pk])
    return Case(record, url, {"name": "2027年考核细则"}, {"year": "2027"})


def criterion():
    version = make_version(published=False)
    record = leaf(version, "2-1")
    url = reverse("assessments:criterion_edit", args=[version.pk, record.pk])
    return Case(record, url, {"title": "进度、质量与安全"}, {"description": "以月报为准"})


CASES = [
    project,
    enterprise,
    working_group,
    branch,
    party_group,
    member,
    brand,
    rule_version,
    criterion,
]


@pytest.fixture
def second_staff_client():
    client = Client()
    client.force_login(StreetStaffFactory(username="staff2"))
    return client


def stored(record, fields) -> dict:
    record.refresh_from_db()
    return {name: str(getattr(record, name)) for name in fields}


@pytest.mark.parametrize("make", CASES, ids=[make.__name__ for make in CASES])
def test_second_save_is_refused_and_nothing_is_overwritten(make, staff_client, second_staff_client):
    case = make()
    first_sees = shown_form(staff_client.get(case.url))
    second_sees = shown_form(second_staff_client.get(case.url))
    untouched = stored(case.record, case.second)

    first = staff_client.post(case.url, {**first_sees, **case.first})
    second = second_staff_client.post(case.url, {**second_sees, **case.second})

    assert first.status_code == 302, first.context and first.context["form"].errors
    assert second.status_code == 200
    assert stored(case.record, case.first) == case.first  # the first save stands
    assert stored(case.record, case.second) == untouched  # the refused one wrote nothing
    form = second.context["form"]
    assert form.conflict is not None
    assert {row.name for row in form.conflict_rows} == set(case.first)
    assert all(shown_form(second)[k] == v for k, v in case.second.items())  # typing kept

    again = second_staff_client.post(case.url, shown_form(second))

    assert again.status_code == 302
    assert stored(case.record, {**case.first, **case.second}) == {**case.first, **case.second}


@pytest.fixture
def timeline():
    record = ProjectFactory()
    return record, reverse("projects:timeline", args=[record.pk])


def planned(record) -> dict:
    return {
        row.stage: str(row.planned_on)
        for row in ProjectStage.objects.filter(project=record, planned_on__isnull=False)
    }


def test_two_people_dating_different_stages_both_keep_their_dates(
    timeline, staff_client, second_staff_client
):
    record, url = timeline
    first_sees = shown_form(staff_client.get(url))
    second_sees = shown_form(second_staff_client.get(url))
    staff_client.post(url, {**first_sees, "approval_planned": "2026-01-10"})
    response = second_staff_client.post(url, {**second_sees, "opening_planned": "2028-10-01"})
    assert response.status_code == 302
    assert planned(record) == {"approval": "2026-01-10", "opening": "2028-10-01"}


def test_the_same_stage_dated_by_both_is_refused_for_the_second(
    timeline, staff_client, second_staff_client
):
    record, url = timeline
    first_sees = shown_form(staff_client.get(url))
    second_sees = shown_form(second_staff_client.get(url))
    staff_client.post(url, {**first_sees, "approval_planned": "2026-01-10"})
    response = second_staff_client.post(url, {**second_sees, "approval_planned": "2026-02-20"})
    assert response.status_code == 200
    [row] = response.context["form"].conflict_rows
    assert (row.name, row.theirs, row.yours) == ("approval_planned", "2026-01-10", "2026-02-20")
    assert planned(record) == {"approval": "2026-01-10"}


def test_an_admin_change_makes_an_open_form_out_of_date(staff_client, committee_admin):
    case = project()
    sees = shown_form(staff_client.get(case.url))
    admin = Client()
    admin.force_login(committee_admin)
    change = reverse("admin:projects_project_change", args=[case.record.pk])
    admin_form = shown_form(admin.get(change), having="description")
    assert admin.post(change, {**admin_form, "description": "管理员改的"}).status_code == 302

    response = staff_client.post(case.url, {**sees, "name": "新项目名"})

    assert response.status_code == 200 and response.context["form"].conflict is not None
    assert stored(case.record, ["description"]) == {"description": "管理员改的"}


def test_the_date_fields_round_trip_without_a_false_conflict(staff_client):
    """A page saved twice by one person, untouched, is never a conflict with itself."""
    case = project()
    case.record.engineering_established_on = datetime.date(2025, 5, 6)
    case.record.save()
    for _ in range(2):
        response = staff_client.post(case.url, shown_form(staff_client.get(case.url)))
        assert response.status_code == 302
