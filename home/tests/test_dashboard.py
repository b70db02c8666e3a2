"""The home pages' figures, checked against the demo data counted by hand (or, for generated
members, counted row by row here), and at the edges of months and years in Asia/Shanghai."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from accounts.models import User
from home.dashboard import secretary_home, street_workbench
from home.tests.demo_days import DAYS, EXPECTED, SHANGHAI, Expected, demo_loaded_on
from members.models import Member, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo(request, django_db_setup, django_db_blocker):
    yield from demo_loaded_on(request.param, django_db_blocker)


@pytest.fixture
def today(demo) -> datetime.date:
    return demo


@pytest.fixture
def expected(today) -> Expected:
    return EXPECTED[today]


@pytest.fixture
def staff(demo):
    return User.objects.get(username="jiedao")


def test_coverage(staff, today):
    coverage = street_workbench(user=staff, today=today)["coverage"]
    assert coverage["projects"] == {
        "active": 52,
        "covered": 5,
        "uncovered": 47,
        "key": 52,
        "key_covered": 5,
    }
    assert (coverage["enterprises"]["no_party_org"], coverage["enterprises"]["inactive"]) == (2, 1)


def test_members_counted_row_by_row(staff, today):
    figures = street_workbench(user=staff, today=today)["members"]
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


def test_organisational_life(staff, today, expected):
    activity = street_workbench(user=staff, today=today)["activity"]
    assert (activity["month_total"], activity["year_total"], activity["behind"]) == (
        expected.month,
        expected.year,
        expected.behind,
    )
    by_branch = {r["row"].branch.name: r for r in activity["rows"]}
    assert by_branch["星光耀广场项目党支部"]["month"] == expected.xingguang_month


def test_the_demo_is_alive_on_its_day(staff, today):
    """Whatever the day, the last twelve months are full: the month before holds every branch's
    meetings, and nothing is dated after the day."""
    from activities.models import ActivityLog

    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    held = ActivityLog.objects.filter(status="submitted", held_on__gte=last_month)
    assert held.filter(held_on__lt=today.replace(day=1)).count() >= 31 - 2
    assert not ActivityLog.objects.filter(held_on__gt=today).exists()
    a_year_ago = today - datetime.timedelta(days=366)
    assert ActivityLog.objects.filter(held_on__lt=a_year_ago).count() == 0
    assert ActivityLog.objects.filter(held_on__lt=a_year_ago + datetime.timedelta(days=40)).exists()


def test_nothing_is_held_after_the_day(staff, today, expected):
    """The first day of the next month, and of the next year, start empty."""
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = street_workbench(user=staff, today=next_month)["activity"]
    year = expected.year if next_month.year == today.year else 0
    assert (after["month_total"], after["year_total"]) == (0, year)
    next_year = street_workbench(user=staff, today=datetime.date(today.year + 1, 1, 1))
    assert (next_year["activity"]["month_total"], next_year["activity"]["year_total"]) == (0, 0)


def test_the_month_is_the_one_in_shanghai(demo, client, today):
    """16:30 UTC on a month's last day is already the next month in Asia/Shanghai."""
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last_day = next_month - datetime.timedelta(days=1)
    instant = datetime.datetime.combine(last_day, datetime.time(16, 30), tzinfo=datetime.UTC)
    assert instant.astimezone(SHANGHAI).date() == next_month
    with mock.patch("django.utils.timezone.now", return_value=instant):
        client.force_login(User.objects.get(username="jiedao"))  # a session of that instant
        response = client.get(reverse("home:home"))
    assert response.context["today"] == next_month
    assert response.context["workbench"]["activity"]["month_total"] == 0


def test_synchronisations_and_projects(staff, today):
    workbench = street_workbench(user=staff, today=today)
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


def test_assessment(staff, today):
    assessment = street_workbench(user=staff, today=today)["assessment"]
    half = "上半年" if today.month <= 6 else "下半年"
    before = f"{today.year}年上半年" if half == "下半年" else f"{today.year - 1}年下半年"
    assert assessment["current"].name == f"{today.year}年{half}"
    assert assessment["last"].name == before
    assert assessment["ranking"][-1].branch.name == "陆洪闸历史文化街区项目党支部"
    assert len(assessment["progress"]) == 5


def test_a_secretarys_due_list(demo, today, expected):
    user = User.objects.get(username="luhongzha")
    branch = user.seats.get().branch
    home = secretary_home(user=user, branch=branch, today=today)
    assert [task.title for task in home["tasks"]] == expected.luhongzha_tasks
    assert home["members"]["total"] == 20
    assert len(home["due_activities"]) == expected.luhongzha_due
    assert home["latest"][0].held_on <= today


def test_narrowed_to_one_project(staff, today, expected):
    from home.dashboard import Scope
    from projects.models import Project

    project = Project.objects.get(name="陆洪闸历史文化街区")
    workbench = street_workbench(user=staff, today=today, scope=Scope(project=project))
    assert workbench["members"]["total"] == 20  # the branch's members, as on its secretary's home
    assert [r["row"].branch.name for r in workbench["activity"]["rows"]] == [
        "陆洪闸历史文化街区项目党支部"
    ]
    assert workbench["activity"]["behind"] == (1 if expected.behind else 0)
    assert [p.name for p in workbench["sync_breaks"]] == ["陆洪闸历史文化街区"]
    assert [p.name for p in workbench["projects"]] == ["陆洪闸历史文化街区"]
    assert workbench["coverage"]["projects"]["active"] == 1
    assert [b.name for b in workbench["assessment"]["progress"]] == ["陆洪闸历史文化街区项目党支部"]


def test_the_branches_behind_come_first(staff, today, expected):
    rows = street_workbench(user=staff, today=today)["activity"]["rows"]
    behind = [True] * expected.behind
    assert [r["row"].is_behind for r in rows] == behind + [False] * (5 - expected.behind)


def test_recruiting_and_letter_deadlines_are_the_lists_counted(demo, staff, today, client):
    """The workbenches' counts of recruiting deadlines and of flagged letters are the lists of
    deadlines and letters, counted one by one; the demo has some of each."""
    from dateutil.relativedelta import relativedelta

    from members import recruitment
    from members.models import TransferLetter

    listed = recruitment.deadlines(horizon=today + relativedelta(months=1))
    letters = list(TransferLetter.objects.all())
    figures = street_workbench(user=staff, today=today)["deadlines"]
    recruiting = figures["recruiting"]
    assert recruiting.overdue == sum(1 for d in listed if d.due_on < today)
    assert recruiting.due == sum(1 for d in listed if d.due_on >= today)
    assert recruiting.total >= 1  # the approval due within the week
    assert figures["letters"]["lapsed"] == sum(1 for x in letters if x.validity_lapsed(today))
    assert figures["letters"]["receipts"] == sum(1 for x in letters if x.receipt_overdue(today))
    assert figures["letters"]["lapsed"] + figures["letters"]["receipts"] >= 1  # one overdue
    for user in User.objects.filter(seats__isnull=False).distinct():
        for seat in user.seats.select_related("branch"):
            home = secretary_home(user=user, branch=seat.branch, today=today)
            mine = [d for d in listed if d.candidate.branch_id == seat.branch_id]
            assert home["recruiting"].total == len(mine), seat.branch
            flagged = [x for x in letters if x.branch_id == seat.branch_id]
            assert home["letters"]["receipts"] == sum(
                1 for x in flagged if x.receipt_overdue(today)
            )
    client.force_login(staff)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        page = client.get(reverse("home:home")).content.decode()
    overdue = page[page.index('data-figure="recruiting-overdue"') :]
    assert f'href="{reverse("members:recruiting_due")}?when=overdue"' in overdue[:400]
    # The figures are the rows of the list they open.
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        for when, figure in (("overdue", recruiting.overdue), ("month", recruiting.due)):
            listed_page = client.get(reverse("members:recruiting_due"), {"when": when})
            assert listed_page.context["page"].paginator.count == figure, when
    receipts = page[page.index('data-figure="receipts-overdue"') :]
    assert f'href="{reverse("members:transfers")}#flagged-letters"' in receipts[:400]
