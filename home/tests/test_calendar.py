"""The calendar feed: a user's deadlines as iCalendar at a secret address."""

import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import CalendarFeed
from accounts.services import calendar_feed_issue
from assessments.models import Cycle, DeploymentTask, Inspection
from assessments.tests.factories import make_cycle, make_version
from branches.tests.factories import SeatFactory
from home import calendar
from members.models import Transfer, TransferStep
from members.tests.factories import MemberFactory, make_candidate, make_letter
from projects.models import CoordinationItem
from projects.tests.factories import CoordinationItemFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + n * DAY


def feed_url(token: str) -> str:
    return reverse("home:calendar_feed", args=[token])


def read_feed(token: str) -> Calendar:
    response = Client().get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(feed: Calendar) -> dict:
    return {str(event["UID"]).split("@")[0]: event for event in feed.walk("VEVENT")}


def make_task(cycle, branch, *, due_on, title="制定年度党建计划", done_on=None):
    return DeploymentTask.objects.create(
        cycle=cycle,
        branch=branch,
        side=DeploymentTask.Side.PARTY,
        title=title,
        due_on=due_on,
        done_on=done_on,
    )


def make_letter_issued_transfer(branch, *, letter_on):
    transfer = Transfer.objects.create(
        member=MemberFactory(),
        to_branch=branch,
        status=Transfer.Status.LETTER_ISSUED,
        requested_on=letter_on - 3 * DAY,
    )
    TransferStep.objects.create(
        transfer=transfer, status=Transfer.Status.REQUESTED, happened_on=letter_on - 3 * DAY
    )
    TransferStep.objects.create(
        transfer=transfer, status=Transfer.Status.LETTER_ISSUED, happened_on=letter_on
    )
    return transfer


@pytest.fixture
def cycle(branch, other_branch):
    return make_cycle(
        make_version(),
        [branch, other_branch],
        name="本年度考核",
        starts_on=in_days(-60),
        ends_on=in_days(100),
        deploy_due=in_days(10),
        inspect_due=in_days(60),
        assess_due=in_days(120),
    )


@pytest.fixture
def deadlines(cycle, branch, other_branch):
    """One of each kind for the secretary's branch, and a task of the other branch."""
    return {
        "task": make_task(cycle, branch, due_on=in_days(5)),
        "other_task": make_task(cycle, other_branch, due_on=in_days(5), title="别的支部的任务"),
        "inspection": Inspection.objects.create(
            cycle=cycle,
            branch=branch,
            held_on=in_days(-3),
            inspectors="检查组",
            findings="会议记录不全",
            rectification="补齐会议记录",
            rectification_due=in_days(14),
        ),
        "coordination": CoordinationItemFactory(
            project=branch.project, branch=branch, raised_on=in_days(-10), due_on=in_days(3)
        ),
        "committee_item": CoordinationItemFactory(
            project=branch.project, branch=None, raised_on=in_days(-10), due_on=in_days(4)
        ),
        "transfer": make_letter_issued_transfer(branch, letter_on=in_days(-2)),
    }


def test_secretarys_feed_is_valid_icalendar_with_every_kind_of_deadline(
    secretary, branch, cycle, deadlines
):
    feed = read_feed(calendar_feed_issue(user=secretary))

    assert str(feed["VERSION"]) == "2.0"
    assert "PRODID" in feed
    events = events_by_uid(feed)
    task, inspection = deadlines["task"], deadlines["inspection"]
    transfer = deadlines["transfer"]
    assert {
        f"task-{task.pk}",
        f"rectification-{inspection.pk}",
        f"coordination-{deadlines['coordination'].pk}",
        f"transfer-{transfer.pk}-receipt",
        f"cycle-{cycle.pk}-deploy",
        f"cycle-{cycle.pk}-inspect",
        f"cycle-{cycle.pk}-assess",
    } <= set(events)
    assert any(uid.startswith(f"expected-{branch.pk}-") for uid in events), "三会一课 expected"
    for event in feed.walk("VEVENT"):
        # RFC 5545: UID and DTSTAMP required; the deadlines are all-day DATE values.
        assert event["UID"] and event["DTSTAMP"].dt.tzinfo is not None
        assert type(event["DTSTART"].dt) is datetime.date
        assert event["DTEND"].dt == event["DTSTART"].dt + DAY
        assert str(event["URL"]).startswith("http")
        assert str(event["URL"]) in str(event["DESCRIPTION"])
        assert [alarm["ACTION"] for alarm in event.walk("VALARM")] == ["DISPLAY"]

    task_event = events[f"task-{task.pk}"]
    assert task_event["DTSTART"].dt == task.due_on
    assert str(task_event["SUMMARY"]) == "任务到期：制定年度党建计划"
    assert str(task_event["URL"]).endswith(cycle.get_absolute_url())
    receipt = events[f"transfer-{transfer.pk}-receipt"]
    letter_on = in_days(-2)
    assert receipt["DTSTART"].dt.month == letter_on.month % 12 + 1  # a month after the letter
    assert events[f"rectification-{inspection.pk}"]["DTSTART"].dt == in_days(14)


def test_secretary_sees_nothing_of_another_branch(
    secretary, other_secretary, cycle, deadlines, other_branch
):
    mine = events_by_uid(read_feed(calendar_feed_issue(user=secretary)))
    theirs = events_by_uid(read_feed(calendar_feed_issue(user=other_secretary)))

    assert f"task-{deadlines['other_task'].pk}" not in mine
    assert f"task-{deadlines['other_task'].pk}" in theirs
    for key in ("task", "inspection", "coordination"):
        assert not any(uid.endswith(f"-{deadlines[key].pk}") and uid in mine for uid in theirs)
    assert f"transfer-{deadlines['transfer'].pk}-receipt" not in theirs
    assert f"coordination-{deadlines['committee_item'].pk}" not in mine
    assert not any(uid.startswith(f"expected-{other_branch.pk}-") for uid in mine)


def test_street_staff_get_the_streets_own_deadlines(street_staff, cycle, deadlines):
    events = events_by_uid(read_feed(calendar_feed_issue(user=street_staff)))

    assert f"cycle-{cycle.pk}-deploy" in events
    assert f"coordination-{deadlines['committee_item'].pk}" in events
    assert f"task-{deadlines['task'].pk}" not in events


def test_escalated_item_joins_the_staff_feed(street_staff, deadlines):
    item = deadlines["coordination"]
    CoordinationItem.objects.filter(pk=item.pk).update(status=CoordinationItem.Status.ESCALATED)

    events = events_by_uid(read_feed(calendar_feed_issue(user=street_staff)))

    assert f"coordination-{item.pk}" in events


def test_done_passed_and_far_deadlines_are_left_out(secretary, branch, cycle):
    done = make_task(cycle, branch, due_on=in_days(2), done_on=in_days(-1))
    too_old = make_task(cycle, branch, due_on=in_days(-calendar.PAST - 1))
    still_shown = make_task(cycle, branch, due_on=in_days(-calendar.PAST))
    too_far = make_task(cycle, branch, due_on=in_days(calendar.AHEAD + 1))
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.INSPECTING)

    events = events_by_uid(read_feed(calendar_feed_issue(user=secretary)))

    assert f"task-{still_shown.pk}" in events
    assert {f"task-{done.pk}", f"task-{too_old.pk}", f"task-{too_far.pk}"}.isdisjoint(events)
    assert f"cycle-{cycle.pk}-deploy" not in events  # a phase passed is done with
    assert f"cycle-{cycle.pk}-inspect" in events


def test_uids_are_stable_and_follow_a_changed_date(secretary, deadlines):
    token = calendar_feed_issue(user=secretary)
    task = deadlines["task"]
    first = events_by_uid(read_feed(token))
    DeploymentTask.objects.filter(pk=task.pk).update(due_on=in_days(8))
    second = events_by_uid(read_feed(token))

    assert set(first) == set(second)
    assert first[f"task-{task.pk}"]["UID"] == second[f"task-{task.pk}"]["UID"]
    assert second[f"task-{task.pk}"]["DTSTART"].dt == in_days(8)


def test_feed_queries_do_not_grow_with_the_deadlines(secretary, branch, cycle, deadlines):
    token = calendar_feed_issue(user=secretary)
    Client().get(feed_url(token))  # the first read notes the time: not measured

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(feed_url(token)).status_code == 200
        return len(queries)

    before = count()
    for n in range(15):
        make_task(cycle, branch, due_on=in_days(n + 1), title=f"任务{n}")
        make_letter_issued_transfer(branch, letter_on=in_days(-n - 1))
        CoordinationItemFactory(
            project=branch.project, branch=branch, raised_on=in_days(-20), due_on=in_days(n)
        )
        make_candidate(branch, 100 + n, applied_on=in_days(-n - 1))  # a talk due
        make_candidate(
            branch,
            200 + n,
            applied_on=in_days(-900),
            stage="probationary",
            meeting_on=in_days(-300),
            probation_ends_on=in_days(n + 60),
        )
        make_letter(branch, issued_on=in_days(-n - 1))  # its validity and its receipt
    SeatFactory(branch=make_cycle_branch(cycle), user=secretary)  # a second branch too
    grown = read_feed(token)

    uids = [str(event["UID"]) for event in grown.walk("VEVENT")]
    assert len(uids) > 100
    assert sum(uid.startswith(("candidate-", "letter-")) for uid in uids) == 60
    assert count() == before


def make_cycle_branch(cycle):
    from branches.tests.factories import BranchFactory

    extra = BranchFactory()
    cycle.branches.add(extra)
    return extra


def test_token_is_kept_hashed_and_a_new_one_revokes_the_old(secretary):
    old = calendar_feed_issue(user=secretary)
    stored = CalendarFeed.objects.get(user=secretary)
    assert stored.token_hash == hashlib.sha256(old.encode()).hexdigest()
    assert old not in stored.token_hash

    new = calendar_feed_issue(user=secretary)

    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=secretary).count() == 1


@pytest.mark.parametrize("token", ["x", "A" * 43, "a" * 150])
def test_unknown_token_is_404(secretary, token):
    calendar_feed_issue(user=secretary)
    assert Client().get(feed_url(token)).status_code == 404


def test_inactive_users_feed_is_404(secretary):
    token = calendar_feed_issue(user=secretary)
    secretary.is_active = False
    secretary.save()
    assert Client().get(feed_url(token)).status_code == 404


def test_reading_the_feed_notes_when(secretary):
    token = calendar_feed_issue(user=secretary)
    read_feed(token)
    assert CalendarFeed.objects.get(user=secretary).last_read_at is not None


def test_page_shows_the_address_once_then_revokes_it(secretary_client, secretary):
    page = reverse("home:calendar")
    assert "还没有日历订阅地址" in secretary_client.get(page).content.decode()

    response = secretary_client.post(page, {"action": "issue"}, follow=True)
    html = response.content.decode()
    url = re.search(r'value="(http[^"]+\.ics)"', html).group(1)
    assert "webcal://" in html
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert Client().get(feed_url(token)).status_code == 200
    assert url not in secretary_client.get(page).content.decode()  # shown once only

    secretary_client.post(page, {"action": "revoke"})

    assert Client().get(feed_url(token)).status_code == 404
    assert not CalendarFeed.objects.filter(user=secretary).exists()


def test_page_refuses_an_unknown_action(secretary_client, secretary):
    response = secretary_client.post(reverse("home:calendar"), {"action": "drop"})
    assert response.status_code == 400
    assert not CalendarFeed.objects.filter(user=secretary).exists()


def test_top_bar_and_reminders_lead_to_the_page(secretary_client):
    link = reverse("home:calendar")
    assert link in secretary_client.get(reverse("home:home")).content.decode()
    assert link in secretary_client.get(reverse("assessments:reminders")).content.decode()


# The deadlines added by recruiting (members.recruitment) and the transfer letters (members.moves)


@pytest.fixture
def recruiting(branch, other_branch):
    """A candidate for each recruiting deadline in the secretary's branch, one whose candidacy
    ended, one of the other branch, and a letter of each branch awaiting its receipt."""
    from members.models import CandidateStep

    today = timezone.localdate()
    talk = make_candidate(branch, 1, applied_on=today - 10 * DAY)
    approval = make_candidate(
        branch, 2, applied_on=today - 800 * DAY, stage="development", meeting_on=today - 20 * DAY
    )
    probation = make_candidate(
        branch,
        3,
        applied_on=today - 900 * DAY,
        stage="probationary",
        meeting_on=today - 340 * DAY,
        probation_ends_on=today + 25 * DAY,
    )
    full = make_candidate(
        branch,
        4,
        applied_on=today - 1000 * DAY,
        stage="probationary",
        meeting_on=today - 380 * DAY,
        probation_ends_on=today - 15 * DAY,
    )
    CandidateStep.objects.create(
        candidate=full, kind=CandidateStep.Kind.FULL_VOTE, happened_on=today - 10 * DAY
    )
    ended = make_candidate(
        branch, 5, applied_on=today - 12 * DAY, ended_on=today - 2 * DAY, end_reason="withdrew"
    )
    theirs = make_candidate(
        other_branch,
        6,
        applied_on=today - 800 * DAY,
        stage="development",
        meeting_on=today - 30 * DAY,
    )
    return {
        "talk": talk,
        "approval": approval,
        "probation": probation,
        "full": full,
        "ended": ended,
        "theirs": theirs,
        "letter": make_letter(branch, issued_on=today - 5 * DAY, valid_until=today + 40 * DAY),
        "their_letter": make_letter(other_branch, issued_on=today - 5 * DAY),
    }


def test_recruiting_deadlines_and_letters_join_the_secretarys_feed(secretary, recruiting):
    from dateutil.relativedelta import relativedelta

    feed = read_feed(calendar_feed_issue(user=secretary))
    events = events_by_uid(feed)
    today = timezone.localdate()
    r = recruiting
    expected = {
        f"candidate-{r['talk'].pk}-talk_due": today - 10 * DAY + relativedelta(months=1),
        f"candidate-{r['approval'].pk}-approval_due": today - 20 * DAY + relativedelta(months=3),
        f"candidate-{r['probation'].pk}-probation_ending": today + 25 * DAY,
        f"candidate-{r['full'].pk}-full_approval_due": today - 10 * DAY + relativedelta(months=3),
        f"letter-{r['letter'].pk}-validity": today + 40 * DAY,
        f"letter-{r['letter'].pk}-receipt": today - 5 * DAY + relativedelta(months=1),
    }
    assert {uid: events[uid]["DTSTART"].dt for uid in expected if uid in events} == expected
    talk = events[f"candidate-{r['talk'].pk}-talk_due"]
    assert str(talk["SUMMARY"]) == "与入党申请人谈话到期：申请人1"
    assert str(talk["URL"]).endswith(r["talk"].get_absolute_url())
    letter = events[f"letter-{r['letter'].pk}-receipt"]
    assert str(letter["URL"]).endswith(
        reverse("members:branch_moves", args=[r["letter"].branch_id])
    )
    assert "2026-001" in str(letter["DESCRIPTION"])
    # The candidacy that ended and the other branch's deadlines are not here.
    assert not any(uid.startswith(f"candidate-{r['ended'].pk}-") for uid in events)
    assert not any(uid.startswith(f"candidate-{r['theirs'].pk}-") for uid in events)
    assert not any(uid.startswith(f"letter-{r['their_letter'].pk}-") for uid in events)
    for event in feed.walk("VEVENT"):  # still valid RFC 5545 events
        assert type(event["DTSTART"].dt) is datetime.date and event["UID"]


def test_the_other_secretary_gets_their_own_and_the_street_the_approvals(
    other_secretary, street_staff, recruiting
):
    theirs = events_by_uid(read_feed(calendar_feed_issue(user=other_secretary)))
    r = recruiting
    assert f"candidate-{r['theirs'].pk}-approval_due" in theirs
    assert f"letter-{r['their_letter'].pk}-receipt" in theirs
    assert not any(uid.startswith(f"candidate-{r['talk'].pk}-") for uid in theirs)
    street = events_by_uid(read_feed(calendar_feed_issue(user=street_staff)))
    approvals = {uid for uid in street if uid.startswith("candidate-")}
    assert approvals == {
        f"candidate-{r['approval'].pk}-approval_due",
        f"candidate-{r['full'].pk}-full_approval_due",
        f"candidate-{r['theirs'].pk}-approval_due",
    }
    name = r["theirs"].branch.name
    assert str(street[f"candidate-{r['theirs'].pk}-approval_due"]["SUMMARY"]).endswith(
        f"（{name}）"
    )
    assert not any(uid.startswith("letter-") for uid in street)


def test_a_transfer_with_its_letter_recorded_has_the_letters_deadlines_only(secretary, branch):
    transfer = make_letter_issued_transfer(branch, letter_on=in_days(-2))
    letter = make_letter(
        branch,
        issued_on=in_days(-2),
        member=transfer.member,
        direction="in",
        transfer=transfer,
    )
    events = events_by_uid(read_feed(calendar_feed_issue(user=secretary)))
    assert f"letter-{letter.pk}-receipt" in events
    assert f"transfer-{transfer.pk}-receipt" not in events
