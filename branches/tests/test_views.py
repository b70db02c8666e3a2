import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import Seat
from branches.tests.factories import BranchFactory, SeatFactory

pytestmark = pytest.mark.django_db


def test_staff_sees_every_branch(staff_client, branch, other_branch):
    response = staff_client.get(reverse("branches:list"))
    assert set(response.context["page"].object_list) == {branch, other_branch}


def test_secretary_sees_only_own_branch(secretary_client, branch, other_branch):
    response = secretary_client.get(reverse("branches:list"))
    assert list(response.context["page"].object_list) == [branch]
    assert other_branch.name not in response.content.decode()


def test_secretary_gets_404_for_another_branch(secretary_client, other_branch):
    assert (
        secretary_client.get(reverse("branches:detail", args=[other_branch.pk])).status_code == 404
    )


def test_missing_branch_is_404(staff_client):
    assert staff_client.get(reverse("branches:detail", args=[999999])).status_code == 404


def test_branch_page_shows_seat_history(staff_client, branch):
    SeatFactory(
        branch=branch,
        holder_name="前任书记",
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 2, 28),
    )
    SeatFactory(branch=branch, holder_name="现任书记", started_on=datetime.date(2025, 3, 1))
    response = staff_client.get(reverse("branches:detail", args=[branch.pk]))
    page = response.content.decode()
    assert page.index("现任书记") < page.index("前任书记")
    assert "2025年2月28日" in page


def test_branch_list_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        SeatFactory(branch=BranchFactory())
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("branches:list"))
    for _ in range(12):
        branch = BranchFactory()
        SeatFactory(branch=branch)
        SeatFactory(branch=branch, kind=Seat.Kind.DEPUTY_SECRETARY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse("branches:list"))
    assert len(response.context["page"].object_list) == 15


def test_a_branch_has_one_open_secretary_seat(branch):
    SeatFactory(branch=branch)
    second = Seat(
        branch=branch,
        kind=Seat.Kind.SECRETARY,
        holder_name="张三",
        origin=Seat.Origin.LINKED_LEADER,
        started_on=datetime.date(2025, 6, 1),
    )
    with pytest.raises(ValidationError, match=r"已有书记|already has a secretary"):
        second.full_clean()


def test_a_seat_cannot_end_before_it_starts(branch):
    seat = Seat(
        branch=branch,
        kind=Seat.Kind.COMMITTEE_MEMBER,
        holder_name="李四",
        origin=Seat.Origin.ENTERPRISE_BACKBONE,
        started_on=datetime.date(2025, 6, 1),
        ended_on=datetime.date(2025, 5, 1),
    )
    with pytest.raises(ValidationError):
        seat.full_clean()


# Forms and pages of issue 3 -----------------------------------------------------------------------

from branches.models import Branch, PartyGroup  # noqa: E402
from branches.tests.factories import PartyGroupFactory  # noqa: E402
from projects.tests.factories import ProjectFactory, WorkingGroupFactory  # noqa: E402


def test_secretary_adds_a_party_group_to_own_branch(secretary_client, branch):
    group = WorkingGroupFactory(project=branch.project)
    url = reverse("branches:party_group_create", args=[branch.pk])
    assert secretary_client.get(url).status_code == 200
    response = secretary_client.post(
        url,
        {
            "name": "项目协调党小组",
            "working_group": group.pk,
            "leader_name": "王五",
            "established_on": "2025-04-01",
            "submission_token": "5f0c2b1e-0000-4000-8000-000000000002",
        },
    )
    assert response.status_code == 302
    assert PartyGroup.objects.get().working_group == group


def test_secretary_cannot_touch_another_branchs_groups(secretary_client, other_branch):
    group = PartyGroupFactory(branch=other_branch)
    for url in (
        reverse("branches:party_group_create", args=[other_branch.pk]),
        reverse("branches:party_group_edit", args=[group.pk]),
        reverse("branches:party_group_dissolve", args=[group.pk]),
    ):
        assert secretary_client.get(url).status_code == 404, url


def test_party_group_form_keeps_values_and_explains(secretary_client, branch):
    response = secretary_client.post(
        reverse("branches:party_group_create", args=[branch.pk]),
        {"name": "早于支部的小组", "established_on": "2020-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["established_on"]
    assert "早于支部的小组" in response.content.decode()
    assert not PartyGroup.objects.exists()


def test_secretary_cannot_manage_seats_or_transform(secretary_client, branch):
    for name in ("branches:seat_appoint", "branches:transform", "branches:dissolve"):
        assert secretary_client.get(reverse(name, args=[branch.pk])).status_code == 403
    assert secretary_client.get(reverse("branches:coverage")).status_code == 403
    assert secretary_client.get(reverse("branches:establish")).status_code == 403


def test_staff_establishes_a_branch_for_an_uncovered_project(staff_client, branch):
    project = ProjectFactory()
    form = staff_client.get(reverse("branches:establish")).context["form"]
    assert list(form.fields["project"].queryset) == [project]
    response = staff_client.post(
        reverse("branches:establish"),
        {"project": project.pk, "name": "新项目党支部", "established_on": "2025-05-01"},
    )
    assert response.status_code == 302
    assert Branch.objects.get(project=project).name == "新项目党支部"


def test_staff_appoints_a_second_secretary_and_is_told_no(staff_client, branch):
    SeatFactory(branch=branch)
    response = staff_client.post(
        reverse("branches:seat_appoint", args=[branch.pk]),
        {
            "kind": "secretary",
            "holder_name": "赵六",
            "origin": "linked_leader",
            "started_on": "2025-06-01",
        },
    )
    assert response.status_code == 200
    assert "已有书记" in response.content.decode()
    assert branch.seats.count() == 1


def test_transformed_branch_stays_readable(staff_client, branch):
    PartyGroupFactory(branch=branch, name="质量监管党小组")
    response = staff_client.post(
        reverse("branches:transform", args=[branch.pk]),
        {
            "on": "2026-06-30",
            "into": "community",
            "successor_name": "第一社区党委",
            "note": "",
        },
    )
    assert response.status_code == 302
    page = staff_client.get(reverse("branches:detail", args=[branch.pk])).content.decode()
    assert "质量监管党小组" in page and "第一社区党委" in page
    assert reverse("branches:party_group_create", args=[branch.pk]) not in page


def test_coverage_counts(staff_client, branch):
    ProjectFactory(is_key_project=True)
    ProjectFactory(is_key_project=False)
    coverage = staff_client.get(reverse("branches:coverage")).context["coverage"]
    assert coverage["projects"] == {
        "active": 3,
        "covered": 1,
        "uncovered": 2,
        "key": 2,
        "key_covered": 1,
    }
    assert len(coverage["uncovered_projects"]) == 2


@pytest.mark.parametrize("url_name", ["branches:list", "branches:coverage"])
def test_branch_pages_cost_the_same_queries_at_ten_times_the_rows(staff_client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for _ in range(n):
            branch = BranchFactory()
            SeatFactory(branch=branch)
            PartyGroupFactory(branch=branch)
            ProjectFactory()

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    grow(18)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small)


def test_branch_page_leads_to_its_members_activities_and_seat_holders(
    secretary_client, staff_client, branch, django_assert_max_num_queries
):
    from members.tests.factories import ParticipationFactory

    member = ParticipationFactory(branch=branch, member__name="李书记").member
    SeatFactory(branch=branch, holder_name="李书记", kind=Seat.Kind.DEPUTY_SECRETARY)
    SeatFactory(branch=branch, holder_name="外单位委员", kind=Seat.Kind.COMMITTEE_MEMBER)
    url = reverse("branches:detail", args=[branch.pk])
    for client in (secretary_client, staff_client):
        page = client.get(url).content.decode()
        assert f'href="/members/?branch={branch.pk}"' in page
        assert f'href="/activities/?branch={branch.pk}"' in page
        assert f'<a href="/members/{member.pk}/">李书记</a>' in page
        assert "<td>外单位委员</td>" in page  # not a member: no link
    # The holders' members are looked up in the seats' own query.
    for n in range(10):
        SeatFactory(
            branch=branch,
            holder_name=f"前任{n}",
            kind=Seat.Kind.COMMITTEE_MEMBER,
            started_on=datetime.date(2024, 1, 1),
            ended_on=datetime.date(2024, 6, 1),
        )
        ParticipationFactory(branch=branch, member__name=f"前任{n}")
    with django_assert_max_num_queries(30) as counted:
        staff_client.get(url)
    few = len(counted.captured_queries)
    for n in range(10, 30):
        SeatFactory(
            branch=branch,
            holder_name=f"前任{n}",
            kind=Seat.Kind.COMMITTEE_MEMBER,
            started_on=datetime.date(2024, 1, 1),
            ended_on=datetime.date(2024, 6, 1),
        )
    with django_assert_max_num_queries(few):
        staff_client.get(url)


def test_branch_list_counts_active_groups_and_active_members_of_each_branch(
    staff_client, branch, other_branch
):
    from members.models import Member
    from members.tests.factories import ParticipationFactory

    PartyGroupFactory(branch=branch)
    PartyGroupFactory(branch=branch)
    PartyGroupFactory(branch=branch, dissolved_on=datetime.date(2025, 6, 1))
    for _ in range(3):
        ParticipationFactory(branch=branch)
    ParticipationFactory(
        branch=branch, member__standing=Member.Standing.PROBATIONARY, member__full_member_on=None
    )
    ParticipationFactory(
        branch=branch, joined_on=datetime.date(2025, 4, 1), left_on=datetime.date(2025, 5, 1)
    )
    response = staff_client.get(reverse("branches:list"))
    figures = {
        row.pk: (row.active_groups, row.full_member_count, row.member_count)
        for row in response.context["page"].object_list
    }
    assert figures == {branch.pk: (2, 3, 4), other_branch.pk: (0, 0, 0)}
