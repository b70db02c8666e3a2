"""The home pages' figures, checked against the demo data counted by hand (or, for generated
members, counted row by row here), and at the edges of months and years in Asia/Shanghai."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from home.dashboard import secretary_home, street_workbench
from members.models import Member, Participation

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", force=True, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def staff(demo):
    return User.objects.get(username="jiedao")


def test_coverage(staff):
    coverage = street_workbench(user=staff, today=TODAY)["coverage"]
    assert coverage["projects"] == {
        "active": 52,
        "covered": 5,
        "uncovered": 47,
        "key": 52,
        "key_covered": 5,
    }
    assert (coverage["enterprises"]["no_party_org"], coverage["enterprises"]["inactive"]) == (2, 1)


def test_members_counted_row_by_row(staff):
    figures = street_workbench(user=staff, today=TODAY)["members"]
    active = [
        p.member
        for p in Participation.objects.filter(left_on__isnull=True).select_related("member")
    ]
    assert figures["total"] == len(active) == 105
    assert figures["full"] == sum(1 for m in active if m.standing == Member.Standing.FULL)
    assert figures["probationary"] == 105 - figures["full"]
    assert figures["floating"] == sum(1 for m in active if m.is_floating)
    assert figures["pocket"] == sum(1 for m in active if m.is_pocket)
    # Demo transfers: requested, letter issued, received in progress; two completed in 27 days.
    assert (figures["transfers_in_progress"], figures["transfer_days"]) == (3, 27.0)
    assert figures["pioneer_posts"] == 20


def test_organisational_life(staff):
    activity = street_workbench(user=staff, today=TODAY)["activity"]
    # November 2026: a committee meeting, a theme day and one meeting per Party group in each
    # branch (5 groups in 星光耀, 4 elsewhere): 7 + 6 * 4 = 31. The whole year: 379.
    assert (activity["month_total"], activity["year_total"], activity["behind"]) == (31, 379, 2)
    by_branch = {r["row"].branch.name: r for r in activity["rows"]}
    assert by_branch["星光耀广场项目党支部"]["month"] == 7


def test_month_and_year_boundaries(staff):
    december = street_workbench(user=staff, today=datetime.date(2026, 12, 1))["activity"]
    assert (december["month_total"], december["year_total"]) == (0, 379)
    next_year = street_workbench(user=staff, today=datetime.date(2027, 1, 1))["activity"]
    assert (next_year["month_total"], next_year["year_total"]) == (0, 0)


def test_the_month_is_the_one_in_shanghai(demo, client):
    """23:30 UTC on 30 November is already 1 December in Asia/Shanghai."""
    client.force_login(User.objects.get(username="jiedao"))
    instant = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        response = client.get(reverse("home:home"))
    assert response.context["today"] == datetime.date(2026, 12, 1)
    assert response.context["workbench"]["activity"]["month_total"] == 0


def test_synchronisations_and_projects(staff):
    workbench = street_workbench(user=staff, today=TODAY)
    assert [p.name for p in workbench["sync_breaks"]] == [
        "南通大学城综合配套服务区",
        "陆洪闸历史文化街区",
    ]
    projects = {p.name: p for p in workbench["projects"]}
    assert (projects["星光耀广场"].items_open, projects["星光耀广场"].items_overdue) == (1, 1)
    assert (
        projects["江海美食文化街区"].items_open,
        projects["江海美食文化街区"].items_overdue,
    ) == (1, 0)
    assert projects["汇金国际广场"].items_open == 0
    assert (
        projects["陆洪闸历史文化街区"].suggestions_submitted,
        projects["陆洪闸历史文化街区"].suggestions_adopted,
    ) == (3, 1)


def test_assessment(staff):
    assessment = street_workbench(user=staff, today=TODAY)["assessment"]
    assert assessment["current"].name == "2026年下半年"
    assert assessment["last"].name == "2026年上半年"
    assert assessment["ranking"][0].branch.name == "江海美食文化街区项目党支部"
    assert len(assessment["progress"]) == 5


def test_a_secretarys_due_list(demo):
    user = User.objects.get(username="luhongzha")
    branch = user.seats.get().branch
    home = secretary_home(user=user, branch=branch, today=TODAY)
    assert [task.title for task in home["tasks"]] == ["冬季施工安全专项方案"]
    assert home["members"]["total"] == 20
    assert home["due_activities"] == []  # November's meetings are held
    assert home["latest"][0].held_on <= TODAY


def test_narrowed_to_one_project(staff):
    from home.dashboard import Scope
    from projects.models import Project

    project = Project.objects.get(name="陆洪闸历史文化街区")
    workbench = street_workbench(user=staff, today=TODAY, scope=Scope(project=project))
    assert workbench["members"]["total"] == 20  # the branch's members, as on its secretary's home
    assert [r["row"].branch.name for r in workbench["activity"]["rows"]] == [
        "陆洪闸历史文化街区项目党支部"
    ]
    assert workbench["activity"]["behind"] == 1
    assert [p.name for p in workbench["sync_breaks"]] == ["陆洪闸历史文化街区"]
    assert [p.name for p in workbench["projects"]] == ["陆洪闸历史文化街区"]
    assert workbench["coverage"]["projects"]["active"] == 1
    assert [b.name for b in workbench["assessment"]["progress"]] == ["陆洪闸历史文化街区项目党支部"]


def test_the_branches_behind_come_first(staff):
    rows = street_workbench(user=staff, today=TODAY)["activity"]["rows"]
    assert [r["row"].is_behind for r in rows] == [True, True, False, False, False]
