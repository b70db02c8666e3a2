"""The calendar feed (日历订阅): a user's deadlines as an iCalendar file (RFC 5545) that a phone's
calendar subscribes to at a secret address (accounts.CalendarFeed).

A secretary's feed holds the deadlines of the branches where their log-in holds a seat today:
the expected activities of each period (三会一课 …) not yet held, the deployment tasks not done,
the rectifications not made, the coordination items not resolved, the receipts of transfers
without a recorded letter (due a month after the letter), the recorded transfer letters' validity
and receipt (members.moves), the recruiting deadlines (members.recruitment: the talk, the
higher committee's approvals, the probation's end) and the phase deadlines of the open
assessment cycles their branch is in. Street staff get the street's own deadlines: the phases of
every open cycle, the coordination items that are the committee's (without a branch, or
escalated) and the approvals of admissions and full memberships that the higher committee
gives, named with their branch.

Every deadline is a date, so every event is an all-day DATE event (a day in Asia/Shanghai as the
portal counts it, shown on that day wherever the phone is), with an alarm at 09:00 the day
before. UIDs are made of the item's kind and primary key, so an event keeps its identity across
reads and moves when its date is changed. The window is bounded (PAST days back, AHEAD days on)
and the number of queries does not depend on the number of deadlines."""

import calendar as month_calendar
import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from accounts.access import is_street_staff, scope_for
from activities.compliance import compliance_grid
from assessments.models import Cycle, DeploymentTask, Inspection
from branches.models import Branch
from members import moves, recruitment
from members.models import Transfer, TransferLetter, TransferStep
from projects.models import CoordinationItem

PAST = 30  # days: what is overdue stays visible a month
AHEAD = 365  # days


@dataclass(frozen=True)
class Deadline:
    uid: str  # "<kind>-<pk>[-<part>]", stable for the item
    on: datetime.date
    summary: str
    description: str
    path: str  # the item's page in the portal
    category: str


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=PAST), today + datetime.timedelta(days=AHEAD)


def _one_month_after(day: datetime.date) -> datetime.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, month_calendar.monthrange(year, month)[1])
    )


PHASES = (
    (Cycle.Status.DEPLOYING, "deploy", "deploy_due"),
    (Cycle.Status.INSPECTING, "inspect", "inspect_due"),
    (Cycle.Status.ASSESSING, "assess", "assess_due"),
)


def _cycle_deadlines(cycles, start, end) -> list[Deadline]:
    labels = {"deploy": _("Deployment"), "inspect": _("Inspection"), "assess": _("Assessment")}
    order = [status for status, _phase, _field in PHASES]
    items = []
    for cycle in cycles:
        # The phase under way and those after it (a phase passed is done with).
        for _status, phase, field in PHASES[order.index(cycle.status) :]:
            due_on = getattr(cycle, field)
            if start <= due_on <= end:
                items.append(
                    Deadline(
                        f"cycle-{cycle.pk}-{phase}",
                        due_on,
                        _("%(cycle)s: %(phase)s due")
                        % {"cycle": cycle.name, "phase": labels[phase]},
                        "",
                        cycle.get_absolute_url(),
                        _("Assessment"),
                    )
                )
    return items


def _coordination_deadlines(items) -> list[Deadline]:
    return [
        Deadline(
            f"coordination-{item.pk}",
            item.due_on,
            _("Coordination item due: %(title)s") % {"title": item.title},
            item.description,
            item.get_absolute_url(),
            _("Coordination"),
        )
        for item in items
    ]


def _open_cycles():
    return Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).order_by("pk")


def _recruiting_summaries() -> dict[str, str]:
    return {
        "talk_due": _("Talk with the applicant due: %(name)s"),
        "approval_due": _("Approval of the admission due: %(name)s"),
        "probation_ending": _("Probation ends: %(name)s"),
        "full_approval_due": _("Approval of the full membership due: %(name)s"),
    }


def _recruiting_deadlines(*, branch_ids, events, start, end, named) -> list[Deadline]:
    """The recruiting deadlines of the candidates of these branches (all, for None) within the
    window, linked to each candidate's page: one query per kind of deadline."""
    summaries = _recruiting_summaries()
    items = []
    for deadline in recruitment.deadlines(horizon=end, branch_ids=branch_ids, events=events):
        if deadline.due_on < start:
            continue
        candidate = deadline.candidate
        items.append(
            Deadline(
                f"candidate-{candidate.pk}-{deadline.event}",
                deadline.due_on,
                named(summaries[deadline.event] % {"name": candidate.name}, candidate.branch_id),
                "",
                candidate.get_absolute_url(),
                _("Recruiting members"),
            )
        )
    return items


def _letter_deadlines(*, branch_ids, start, end, named) -> list[Deadline]:
    """The branches' transfer letters awaiting their receipt: the day the letter's validity
    ends (until the member has reported) and the day the receipt is due. One query."""
    letters = (
        TransferLetter.objects.filter(moves.PENDING, branch_id__in=branch_ids)
        .filter(
            Q(arrived_on__isnull=True, valid_until__range=(start, end))
            | Q(receipt_due_on__range=(start, end))
        )
        .select_related("member")
        .order_by("pk")
    )
    items = []
    for letter in letters:
        path = reverse("members:branch_moves", args=[letter.branch_id])
        values = {"member": letter.member.name, "number": letter.number}
        if letter.arrived_on is None and start <= letter.valid_until <= end:
            items.append(
                Deadline(
                    f"letter-{letter.pk}-validity",
                    letter.valid_until,
                    named(_("Transfer letter's validity ends: %(member)s") % values,
                          letter.branch_id),
                    _("Letter %(number)s: the member reports at the destination by this day.")
                    % values,
                    path,
                    _("Members"),
                )
            )  # fmt: skip
        if start <= letter.receipt_due_on <= end:
            items.append(
                Deadline(
                    f"letter-{letter.pk}-receipt",
                    letter.receipt_due_on,
                    named(_("Transfer letter's receipt due: %(member)s") % values,
                          letter.branch_id),
                    _("Letter %(number)s: the receipt comes back within a month of its date.")
                    % values,
                    path,
                    _("Members"),
                )
            )  # fmt: skip
    return items


def street_deadlines(*, start: datetime.date, end: datetime.date) -> list[Deadline]:
    coordination = CoordinationItem.objects.filter(
        Q(branch__isnull=True) | Q(status=CoordinationItem.Status.ESCALATED),
        due_on__range=(start, end),
    ).exclude(status=CoordinationItem.Status.RESOLVED)
    branch_names = {}

    def named(text: str, branch_id: int) -> str:
        # The street approves for every branch: each approval names its branch (one query).
        if not branch_names:
            branch_names.update(Branch.objects.values_list("pk", "name"))
        return f"{text}（{branch_names.get(branch_id, '')}）"

    approvals = _recruiting_deadlines(
        branch_ids=None,
        events=("approval_due", "full_approval_due"),
        start=start,
        end=end,
        named=named,
    )
    return (
        _cycle_deadlines(_open_cycles(), start, end)
        + _coordination_deadlines(coordination)
        + approvals
    )


def branch_deadlines(
    *, branch_ids: frozenset[int], today: datetime.date, start: datetime.date, end: datetime.date
) -> list[Deadline]:
    """The deadlines of these branches, in a fixed number of queries."""
    if not branch_ids:
        return []
    ids = sorted(branch_ids)
    several = len(ids) > 1
    branches = {branch.pk: branch for branch in Branch.objects.filter(pk__in=ids)}

    def named(text: str, branch_id: int) -> str:
        # Whose deadline it is, when the user holds seats in more than one branch.
        return f"{text}（{branches[branch_id].name}）" if several else text

    items = _cycle_deadlines(
        _open_cycles().filter(
            pk__in=Cycle.branches.through.objects.filter(branch_id__in=ids).values("cycle_id")
        ),
        start,
        end,
    )
    for task in (
        DeploymentTask.objects.filter(
            branch_id__in=ids, done_on__isnull=True, due_on__range=(start, end)
        )
        .exclude(cycle__status=Cycle.Status.PUBLISHED)
        .select_related("cycle")
    ):
        items.append(
            Deadline(
                f"task-{task.pk}",
                task.due_on,
                named(_("Task due: %(title)s") % {"title": task.title}, task.branch_id),
                task.description,
                task.cycle.get_absolute_url(),
                _("Assessment"),
            )
        )
    for inspection in Inspection.objects.filter(
        branch_id__in=ids, rectified_on__isnull=True, rectification_due__range=(start, end)
    ).select_related("cycle"):
        items.append(
            Deadline(
                f"rectification-{inspection.pk}",
                inspection.rectification_due,
                named(_("Rectification due"), inspection.branch_id),
                inspection.rectification,
                inspection.cycle.get_absolute_url(),
                _("Assessment"),
            )
        )
    coordination = CoordinationItem.objects.filter(
        branch_id__in=ids, due_on__range=(start, end)
    ).exclude(status=CoordinationItem.Status.RESOLVED)
    items += _coordination_deadlines(coordination)
    letter_on = (
        TransferStep.objects.filter(transfer=OuterRef("pk"), status=Transfer.Status.LETTER_ISSUED)
        .order_by("-happened_on", "-pk")
        .values("happened_on")[:1]
    )
    # A transfer whose letter is recorded has the letter's own deadlines (below).
    transfers = (
        Transfer.objects.filter(
            to_branch_id__in=ids, status=Transfer.Status.LETTER_ISSUED, letter__isnull=True
        )
        .annotate(letter_on=Subquery(letter_on))
        .select_related("member")
    )
    for transfer in transfers:
        if transfer.letter_on is None:
            continue
        due_on = _one_month_after(transfer.letter_on)
        if start <= due_on <= end:
            items.append(
                Deadline(
                    f"transfer-{transfer.pk}-receipt",
                    due_on,
                    named(
                        _("Transfer receipt due: %(member)s") % {"member": transfer.member.name},
                        transfer.to_branch_id,
                    ),
                    _("The receipt of the transfer letter comes back within a month."),
                    reverse("members:transfers"),
                    _("Members"),
                )
            )
    items += _letter_deadlines(branch_ids=ids, start=start, end=end, named=named)
    items += _recruiting_deadlines(branch_ids=ids, events=None, start=start, end=end, named=named)
    items += _expected_activities(ids, today=today, start=start, end=end, named=named)
    return items


def _expected_activities(ids, *, today, start, end, named) -> list[Deadline]:
    """The activities the branch has not held yet: those of the month under way (due at the end
    of their period) and those missed within the window. The compliance grid says nothing of
    the months to come, so neither does the feed. A fixed number of queries per year."""
    items = []
    for year in range(start.year, today.year + 1):
        for row in compliance_grid(
            year=year, today=today, branches=Branch.objects.filter(pk__in=ids)
        ):
            for cell in row.cells:
                for requirement in cell.requirements:
                    if requirement.done or not start <= requirement.due_on <= end:
                        continue
                    group = requirement.group.pk if requirement.group else 0
                    items.append(
                        Deadline(
                            f"expected-{row.branch.pk}-{requirement.kind.pk}-{group}"
                            f"-{requirement.due_on:%Y%m%d}",
                            requirement.due_on,
                            named(
                                _("Expected activity: %(label)s") % {"label": requirement.label},
                                row.branch.pk,
                            ),
                            _("To be held by %(date)s.") % {"date": requirement.due_on.isoformat()},
                            reverse("activities:compliance"),
                            _("Activities"),
                        )
                    )
    return items


def deadlines_for(*, user, today: datetime.date | None = None) -> list[Deadline]:
    """The user's deadlines in the window, by date."""
    today = today or timezone.localdate()
    start, end = window(today)
    if is_street_staff(user):
        items = street_deadlines(start=start, end=end)
    else:
        items = branch_deadlines(
            branch_ids=scope_for(user).branch_ids, today=today, start=start, end=end
        )
    return sorted(items, key=lambda item: (item.on, item.uid))


def _uid_domain() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "portal.invalid"


def feed_for(
    *, user, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> bytes:
    """The user's deadlines as an iCalendar file."""
    now = now or timezone.now()
    domain = _uid_domain()
    base = settings.PORTAL_BASE_URL.rstrip("/")
    feed = Calendar()
    feed.add("prodid", "-//Langshan Street//Project Party-Building Portal//ZH")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", _("Party-building deadlines · %(user)s") % {"user": user})
    feed.add("x-wr-timezone", settings.TIME_ZONE)
    feed.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(datetime.UTC)
    for item in deadlines_for(user=user, today=today):
        url = f"{base}{item.path}"
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + datetime.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", "\n\n".join(part for part in (item.description, url) if part))
        event.add("url", url)
        event.add("categories", [item.category])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", datetime.timedelta(hours=-15))  # 09:00 the day before
        event.add_component(alarm)
        feed.add_component(event)
    return feed.to_ical()
