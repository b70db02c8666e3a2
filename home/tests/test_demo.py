import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Q

from accounts.access import restrict
from accounts.models import User
from branches.models import Branch, PartyGroup, Seat
from core.demo import ANCHOR
from home.tests.demo_days import DAYS, clock_at, demo_loaded_on
from projects.models import Community, CoordinationItem, Enterprise, Project, WorkingGroup
from projects.selectors import SyncState, with_timeline_and_sync

pytestmark = pytest.mark.django_db

PILOT_PROJECTS = {
    "星光耀广场",
    "汇金国际广场",
    "江海美食文化街区",
    "南通大学城综合配套服务区",
    "陆洪闸历史文化街区",
}


def snapshot() -> dict:
    """Every row of the portal's own apps, as values."""
    rows = {}
    for app_label in ("accounts", "projects", "branches", "members", "activities", "assessments"):
        for model in apps.get_app_config(app_label).get_models():
            rows[model._meta.label] = sorted(model.objects.values_list(), key=lambda row: row[0])
    return rows


@pytest.fixture(scope="module", params=DAYS, ids=str)
def demo(request, django_db_setup, django_db_blocker):
    """The demo as loaded on each of DAYS (under that day's clock), once for the module inside
    a transaction rolled back at its end (each test runs in a savepoint of its own within it)."""
    yield from demo_loaded_on(request.param, django_db_blocker)


@pytest.fixture
def today(demo) -> datetime.date:
    return demo


# Counted by hand from the demo's schedule (see home/tests/test_dashboard.py): the submitted
# logs of the last twelve months up to the day, and the months 陆洪闸 missed in the day's year.
LOGS_AND_GAPS = {
    # July 2025 to June 15th, 2026: 179 this year; July to December 2025: 6 * 31 + 20 (two
    # quarters) + 10 (December's yearly meetings) + 5 (July), less 陆洪闸's committee meeting
    # 7 months before (November).
    datetime.date(2026, 6, 15): (179 + 186 + 20 + 10 + 5 - 1, [1, 2, 3, 5]),
    # December 2025 (31 + 10 + 10) and the 379 of this year.
    datetime.date(2026, 11, 25): (51 + 379, [4, 6, 7, 9, 10]),
    datetime.date(2026, 12, 31): (430, [5, 7, 8, 9, 11]),
    # February to December 2026: 430 less January's 31; the year has not begun.
    datetime.date(2027, 1, 1): (430 - 31, []),
    # April 2026 to March 10th: 70 this year; April to December 2026: 9 * 31 + 30 + 10 + 10
    # (May, July), less the 5 missed in those months.
    datetime.date(2027, 3, 10): (70 + 279 + 30 + 10 + 10 - 5, [2]),
}


def test_demo_has_the_reports_figures(demo):
    assert Community.objects.count() == 15
    assert Project.objects.filter(is_key_project=True).count() == 52
    assert Project.objects.filter(total_investment__gt=1_000_000_000).count() == 10
    assert (
        set(Project.objects.filter(branches__isnull=False).values_list("name", flat=True))
        == PILOT_PROJECTS
    )
    assert Branch.objects.filter(status=Branch.Status.ACTIVE).count() == 5
    assert PartyGroup.objects.filter(dissolved_on__isnull=True).count() == 21
    assert WorkingGroup.objects.count() == 25
    # Every Party group is matched to a working group of its own project.
    assert not PartyGroup.objects.exclude(working_group__project=F("branch__project")).exists()
    assert set(Enterprise.objects.values_list("name", flat=True)) == {
        "凤凰传媒集团",
        "苏宁电器",
        "上海星浩资本集团",
        "龙信集团",
        "南通一建",
    }
    assert Enterprise.objects.filter(party_org_status=Enterprise.PartyOrgStatus.NONE).count() == 2


def test_the_pilots_timelines_and_synchronisations(demo):
    rows = {p.name: p for p in with_timeline_and_sync(Project.objects.filter(is_key_project=True))}
    # The report's benchmark: approval to start in under six months.
    assert rows["江海美食文化街区"].approval_to_start.days == 176
    assert rows["南通大学城综合配套服务区"].setup_sync == SyncState.OUT_OF_STEP
    assert rows["南通大学城综合配套服务区"].setup_gap.days == 72
    assert rows["陆洪闸历史文化街区"].staffing_sync == SyncState.OUT_OF_STEP
    assert rows["陆洪闸历史文化街区"].current_stage == "scheme_design"
    in_step = [name for name in PILOT_PROJECTS if rows[name].setup_sync == SyncState.IN_STEP]
    assert len(in_step) == 4


def test_the_coordination_items_went_through_their_steps(demo, today):
    items = {item.title: item for item in CoordinationItem.objects.all()}
    assert len(items) == 4
    resolved = items["地下管线迁改进度滞后"]
    # Written as resolved on 12 October for ANCHOR (25 November 2026): as long before the day.
    assert resolved.status == "resolved"
    assert today - resolved.resolved_on == ANCHOR - datetime.date(2026, 10, 12)
    assert list(resolved.events.values_list("status", flat=True)) == [
        "open",
        "in_progress",
        "resolved",
    ]
    assert items["历史建筑保护方案待文物部门审批"].status == "escalated"
    assert all(item.branch is not None for item in items.values())


def test_the_reports_105_members_are_spread_over_the_21_groups(demo):
    from members.models import Member, Participation, PioneerPost, Transfer

    assert Member.objects.count() == 105
    active = Participation.objects.filter(left_on__isnull=True)
    assert active.count() == 105
    assert active.values("party_group").distinct().count() == 21
    assert active.filter(branch__name="星光耀广场项目党支部").count() == 25
    # Most contractor members are floating or in the pocket.
    contractor = Member.objects.filter(employer_enterprise__name__in=["龙信集团", "南通一建"])
    floating_or_pocket = contractor.filter(
        Q(is_floating=True) | Q(relation_state=Member.RelationState.IN_POCKET)
    )
    assert floating_or_pocket.count() > contractor.count() / 2
    assert sorted(Transfer.objects.values_list("status", flat=True)) == [
        "completed",
        "completed",
        "letter_issued",
        "received",
        "rejected",
        "requested",
    ]
    assert PioneerPost.objects.values("project").distinct().count() == 5
    # The two completed transfers, and 15 relations put into the branches by the dues demo.
    assert Member.objects.filter(relation_state=Member.RelationState.IN_BRANCH).count() == 17


def test_a_year_of_dues_with_a_few_behind_and_one_paid_ahead(demo):
    from decimal import Decimal

    from django.utils import timezone

    from members import dues
    from members.models import DuesBase, DuesPayment

    today = timezone.localdate()
    branches = list(Branch.objects.order_by("name"))
    paying = {b.name: list(dues.paying_members(branch=b)) for b in branches}
    assert {name: len(rows) for name, rows in paying.items()} == {
        "南通大学城综合配套服务区项目党支部": 3,
        "星光耀广场项目党支部": 3,
        "汇金国际广场项目党支部": 3,
        "江海美食文化街区项目党支部": 5,
        "陆洪闸历史文化街区项目党支部": 3,
    }
    assert DuesBase.objects.count() == 17
    standings = [dues.standing_for(m, today) for rows in paying.values() for m in rows]
    assert sorted(s.months_unpaid for s in standings if s.shown) == [3, 6, 6]
    assert sum(s.flagged for s in standings) == 1
    assert sum(s.paid_ahead for s in standings) == 1
    # Every payment is the amount its base and the rates give, to the fen.
    book = dues.RateBook()
    for payment in DuesPayment.objects.select_related("member"):
        expected = dues.expected_for(payment.member, payment.month, book)
        assert payment.amount == expected and payment.amount == payment.amount.quantize(
            Decimal("0.01")
        )


def test_two_letters_in_transit_one_overdue_and_floating_members_past_six_months(demo):
    from django.utils import timezone

    from members import moves
    from members.models import FloatingCertificate, TransferLetter

    today = timezone.localdate()
    letters = TransferLetter.objects.filter(moves.PENDING).order_by("direction")
    assert [letter.direction for letter in letters] == ["in", "out"]
    incoming, outgoing = letters
    assert incoming.issued_on == today - datetime.timedelta(days=21)
    assert incoming.receipt_due_on == moves.receipt_due(incoming.issued_on) > today
    assert not incoming.validity_lapsed(today) and not incoming.receipt_overdue(today)
    assert outgoing.validity_lapsed(today) and outgoing.receipt_overdue(today)
    assert outgoing.issued_on == today - datetime.timedelta(days=75)
    assert outgoing.dues_paid_to <= today.replace(day=1)
    # Recorded with a mistyped number and corrected: the first version is in its history.
    assert [h.number for h in outgoing.history.order_by("history_id")] == [
        "项支转字第01号",
        "项支转字第001号",
    ]
    flagged = TransferLetter.objects.filter(moves.flagged_q(today))
    assert list(flagged) == [outgoing]
    away = moves.away_from_home(today=today)
    assert away.count() > 10
    assert all(moves.away_long_enough(p.joined_on, today) for p in away)
    assert FloatingCertificate.objects.count() == 3


def test_a_year_of_organisational_life_with_two_branches_behind(demo, db, today):
    from activities.compliance import compliance_grid
    from activities.models import ActivityLog, Brand, Campaign, Rule, Suggestion

    logs, luhongzha_missed = LOGS_AND_GAPS[today]
    assert ActivityLog.objects.filter(status="submitted").count() == logs
    assert ActivityLog.objects.filter(status="draft", held_on=today).count() == 2
    staff = User.objects.get(username="jiedao")
    rows = {
        row.branch.name: row for row in compliance_grid(user=staff, year=today.year, today=today)
    }
    behind = sorted(name for name, row in rows.items() if row.is_behind)
    if today.month > 1:
        assert behind == ["南通大学城综合配套服务区项目党支部", "陆洪闸历史文化街区项目党支部"]
        assert rows["星光耀广场项目党支部"].rate == 100.0
    else:  # no month of the year is over
        assert behind == []
    luhongzha = rows["陆洪闸历史文化街区项目党支部"]
    assert [c.month for c in luhongzha.cells if c.state == "missing"] == luhongzha_missed
    assert set(Suggestion.objects.values_list("status", flat=True)) == {
        "submitted",
        "adopted",
        "declined",
        "implemented",
    }
    assert sorted(Brand.objects.values_list("name", flat=True)) == ["三亮化", "三关爱", "三竞赛"]
    assert Campaign.objects.count() == 2 and Rule.objects.count() == 15


def test_one_cycle_published_and_one_under_way(demo, db, today):
    from assessments.models import Cycle, Notification, Result, RuleVersion

    for version in RuleVersion.objects.all():
        assert version.is_frozen and version.criteria.count() == 23
    first, second = Cycle.objects.order_by("starts_on")
    assert first.ends_on == second.starts_on - datetime.timedelta(days=1)
    assert second.starts_on <= today <= second.ends_on
    assert first.status == "published" and first.published_on <= today
    ranking = list(
        Result.objects.filter(cycle=first).order_by("rank").values_list("branch__name", "grade")
    )
    assert ranking[0][1] == "excellent"
    assert ranking[-1][0] == "陆洪闸历史文化街区项目党支部"
    # Each branch's construction task is due in three days, and has its reminder.
    assert second.tasks.filter(done_on__isnull=True, due_on=today + datetime.timedelta(days=3))
    assert Notification.objects.filter(title__contains="专项方案").exists()
    if today == second.starts_on:  # the first day of a half-year: nothing done yet
        assert second.status == "deploying"
        assert second.tasks.filter(done_on__isnull=True).count() == 10
        assert not second.inspections.exists()
    else:
        assert second.status == "inspecting"
        assert second.tasks.filter(done_on__isnull=True).count() == 5
        assert second.inspections.filter(rectification_due=today + datetime.timedelta(days=1))


def test_every_branch_has_one_secretary_with_a_login(demo):
    for branch in Branch.objects.all():
        secretary = Seat.objects.get(branch=branch, kind=Seat.Kind.SECRETARY, ended_on=None)
        assert secretary.user.role == User.Role.BRANCH_SECRETARY
        assert list(restrict(Branch.objects.all(), secretary.user, branch_path="id")) == [branch]


def test_demo_logins_work(demo, client, settings):
    settings.DEBUG = True  # `make run`: the demo's log-ins skip the second factor
    for username in ("jiedao", "admin", "xingguang", "luhongzha"):
        response = client.post("/accounts/login/", {"username": username, "password": "demo-2026"})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
    assert User.objects.get(username="admin").is_superuser


def test_demo_staff_log_ins_need_the_second_factor_without_debug(demo, client, settings):
    settings.DEBUG = False
    client.post("/accounts/login/", {"username": "jiedao", "password": "demo-2026"})
    assert client.get("/")["Location"].startswith("/accounts/two-factor/")


def test_loading_twice_changes_nothing(demo):
    before = snapshot()
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert snapshot() == before


def test_loading_on_a_later_day_changes_nothing(demo, today):
    """The demo is loaded once: `make run` again the next week leaves it as it was."""
    before = snapshot()
    with clock_at(today + datetime.timedelta(days=9)):
        call_command("load_demo", force=True, stdout=io.StringIO())
    after = snapshot()
    # Only the reminders of the later day are new.
    for label in before:
        if label not in ("assessments.Notification", "assessments.Delivery"):
            assert after[label] == before[label], label


def test_demo_names_are_the_same_on_every_machine(demo):
    """Seeded: every fresh database gets the same people, so tests and guides can name them."""
    names = dict(User.objects.values_list("username", "full_name"))
    assert names["jiedao"] == "杨旭"
    assert names["xingguang"] == "崔丽丽"
    secretary = Seat.objects.get(branch__project__name="星光耀广场", kind=Seat.Kind.SECRETARY)
    assert (secretary.user.username, secretary.holder_name) == ("xingguang", "崔丽丽")


def test_demo_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
