"""The reminder sweep: what is coming due or overdue, and who must hear of it.

Each reminder has a key — recipient, subject, event, stage — and the Notification row with that
key is created (claimed) before anything is sent: the unique constraint makes a second sweep,
a retried task or a second worker find it taken and create nothing. What leaves the portal is
one Delivery per channel, created with it (assessments/deliveries.py)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from activities.compliance import compliance_grid
from assessments import deliveries
from assessments.models import Cycle, DeploymentTask, Inspection, Notification
from branches.models import Branch, Seat, Term
from core import party_rules as rules
from members import dues, moves, recruitment
from members.models import TransferLetter
from projects.models import CoordinationItem

AHEAD = 7  # the first reminder comes a week ahead


@dataclass(frozen=True)
class Due:
    subject: str  # e.g. "cycle:3:deploy"
    event: str
    stage: str  # "7d", "1d", "overdue", "missing"
    title: str
    body: str
    url: str
    branch_id: int | None  # its secretaries are told; None: street staff only
    tell_staff: bool = False


def stage_for(due_on: datetime.date, today: datetime.date) -> str | None:
    days = (due_on - today).days
    if days < 0:
        return "overdue"
    if days <= 1:
        return "1d"
    if days <= AHEAD:
        return "7d"
    return None


def _stage_text(stage: str, due_on: datetime.date) -> str:
    if stage == "overdue":
        return _("overdue since %(date)s") % {"date": date_format(due_on)}
    return _("due on %(date)s") % {"date": date_format(due_on)}


def due_items(today: datetime.date) -> list[Due]:
    items: list[Due] = []
    phases = {
        Cycle.Status.DEPLOYING: ("deploy", "deploy_due", _("Deployment")),
        Cycle.Status.INSPECTING: ("inspect", "inspect_due", _("Inspection")),
        Cycle.Status.ASSESSING: ("assess", "assess_due", _("Assessment")),
    }
    for cycle in Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).prefetch_related("branches"):
        phase, field, label = phases[cycle.status]
        due_on = getattr(cycle, field)
        stage = stage_for(due_on, today)
        if stage is None:
            continue
        title = _("%(cycle)s: %(phase)s %(when)s") % {
            "cycle": cycle.name,
            "phase": label,
            "when": _stage_text(stage, due_on),
        }
        for branch in cycle.branches.all():
            items.append(
                Due(
                    f"cycle:{cycle.pk}:{phase}",
                    "phase_deadline",
                    stage,
                    title,
                    "",
                    cycle.get_absolute_url(),
                    branch.pk,
                )
            )
        items.append(
            Due(
                f"cycle:{cycle.pk}:{phase}",
                "phase_deadline",
                stage,
                title,
                "",
                cycle.get_absolute_url(),
                None,
                True,
            )
        )

    horizon = today + datetime.timedelta(days=AHEAD)
    for task in DeploymentTask.objects.filter(
        done_on__isnull=True, due_on__lte=horizon
    ).select_related("cycle"):
        stage = stage_for(task.due_on, today)
        items.append(
            Due(
                f"task:{task.pk}",
                "task_due",
                stage,
                _("Task %(title)s %(when)s")
                % {"title": task.title, "when": _stage_text(stage, task.due_on)},
                task.description,
                task.cycle.get_absolute_url(),
                task.branch_id,
            )
        )
    for inspection in Inspection.objects.filter(
        rectified_on__isnull=True, rectification_due__isnull=False, rectification_due__lte=horizon
    ).select_related("cycle"):
        stage = stage_for(inspection.rectification_due, today)
        items.append(
            Due(
                f"rectification:{inspection.pk}",
                "rectification_due",
                stage,
                _("Rectification %(when)s")
                % {"when": _stage_text(stage, inspection.rectification_due)},
                inspection.rectification,
                inspection.cycle.get_absolute_url(),
                inspection.branch_id,
                tell_staff=stage == "overdue",
            )
        )
    for item in CoordinationItem.objects.filter(due_on__lt=today, branch__isnull=False).exclude(
        status=CoordinationItem.Status.RESOLVED
    ):
        items.append(
            Due(
                f"coordination:{item.pk}",
                "coordination_overdue",
                "overdue",
                _("Coordination item overdue: %(title)s") % {"title": item.title},
                "",
                item.get_absolute_url(),
                item.branch_id,
                tell_staff=True,
            )
        )
    # Committee terms: six months and one month ahead, and once expired (换届).
    horizon = today + relativedelta(months=rules.REMIND_MONTHS[0])
    terms = Term.objects.current().filter(branch__status=Branch.Status.ACTIVE, ends_on__lte=horizon)
    for term in terms.select_related("branch"):
        stage = rules.term_reminder_stage(term.ends_on, today)
        if stage == "expired":
            title = _("The term of %(branch)s's committee expired on %(date)s: hold the election")
        else:
            title = _("The term of %(branch)s's committee ends on %(date)s: prepare the election")
        items.append(
            Due(
                f"term:{term.pk}",
                "term_ending",
                stage,
                title % {"branch": term.branch.name, "date": term.ends_on.isoformat()},
                "",
                term.branch.get_absolute_url() + "#term",
                term.branch_id,
                tell_staff=True,
            )
        )
    # Expected activities missing in the month just ended.
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    active = Branch.objects.filter(status=Branch.Status.ACTIVE)
    for row in compliance_grid(year=last_month_end.year, today=today, branches=active):
        cell = row.cells[last_month_end.month - 1]
        if cell.state != "missing":
            continue
        month = f"{last_month_end:%Y-%m}"
        items.append(
            Due(
                f"compliance:{row.branch.pk}:{month}",
                "activities_missing",
                "missing",
                _("Activities missing in %(month)s") % {"month": month},
                "、".join(r.label for r in cell.missing),
                reverse("activities:compliance"),
                row.branch.pk,
            )
        )
    items += _dues_items(today)
    items += _moves_items(today)
    items += _recruiting_items(today)
    return items


def _moves_items(today: datetime.date) -> list[Due]:
    """Members on the move: a transfer letter's validity while the member has not reported, its
    receipt (a week ahead, a day ahead, overdue; the street told once overdue); each month, the
    branch's floating members away from home six months or more (each listed on the branch's
    page with the transfer form prefilled)."""
    items = []
    horizon = today + datetime.timedelta(days=AHEAD)
    letters = TransferLetter.objects.filter(moves.PENDING).filter(
        Q(arrived_on__isnull=True, valid_until__lte=horizon) | Q(receipt_due_on__lte=horizon)
    )
    for letter in letters.select_related("member").order_by("pk"):
        url = reverse("members:branch_moves", args=[letter.branch_id]) + "#letters"
        if letter.arrived_on is None and letter.valid_until <= horizon:
            stage = stage_for(letter.valid_until, today)
            items.append(
                Due(
                    f"letter:{letter.pk}",
                    "letter_validity",
                    stage,
                    _("Transfer letter of %(name)s: valid until %(date)s, not arrived yet")
                    % {"name": letter.member.name, "date": date_format(letter.valid_until)},
                    f"{letter.from_organisation} → {letter.to_organisation}",
                    url,
                    letter.branch_id,
                    tell_staff=stage == "overdue",
                )
            )
        if letter.receipt_due_on <= horizon:
            stage = stage_for(letter.receipt_due_on, today)
            items.append(
                Due(
                    f"letter:{letter.pk}",
                    "receipt_due",
                    stage,
                    _("Receipt of %(name)s's transfer letter %(when)s")
                    % {
                        "name": letter.member.name,
                        "when": _stage_text(stage, letter.receipt_due_on),
                    },
                    f"{letter.from_organisation} → {letter.to_organisation}",
                    url,
                    letter.branch_id,
                    tell_staff=stage == "overdue",
                )
            )
    month = f"{today:%Y-%m}"
    for branch_id, count in sorted(moves.away_by_branch(today=today).items()):
        items.append(
            Due(
                f"away:{branch_id}:{month}",
                "floating_away",
                "flagged",
                _("%(count)s floating members away from home six months or more: the rules ask "
                  "that their relation be transferred")
                % {"count": count},
                "",
                reverse("members:branch_moves", args=[branch_id]) + "#away",
                branch_id,
            )
        )  # fmt: skip
    return items


def _recruiting_items(today: datetime.date) -> list[Due]:
    """Recruiting members: the talk due within a month of the application and the higher
    committee's approval due within three months of the branch meeting (a week ahead, the day
    before, overdue; the approval to the street's staff too, who approve), and the probation
    ending (a month ahead, and once ended without the vote on full membership)."""
    items = []
    horizon = today + relativedelta(months=1)
    for deadline in recruitment.deadlines(horizon=horizon):
        candidate = deadline.candidate
        values = {"name": candidate.name, "date": date_format(deadline.due_on)}
        if deadline.event == "probation_ending":
            stage = "expired" if deadline.due_on <= today else "1m"
            if stage == "expired":
                title = _("%(name)s's probation ended on %(date)s: vote on full membership")
            else:
                title = _("%(name)s's probation ends on %(date)s: prepare the vote")
        else:
            stage = stage_for(deadline.due_on, today)
            if stage is None:
                continue
            if deadline.event == "talk_due":
                title = _("Talk with the applicant %(name)s: %(when)s")
            elif deadline.event == "full_approval_due":
                title = _("Approval of %(name)s's full membership: %(when)s")
            else:
                title = _("Approval of %(name)s's admission by the higher committee: %(when)s")
            values["when"] = _stage_text(stage, deadline.due_on)
        items.append(
            Due(
                f"candidate:{candidate.pk}:{deadline.due_on.isoformat()}",
                f"recruiting_{deadline.event}",
                stage,
                title % values,
                "",
                candidate.get_absolute_url(),
                candidate.branch_id,
                tell_staff=deadline.event in ("approval_due", "full_approval_due"),
            )
        )
    return items


def _dues_items(today: datetime.date) -> list[Due]:
    """Party dues: in January, the yearly review of the members' dues bases (their branch's
    secretaries); every month, members six months unpaid without a recorded reason (the branch
    and the street)."""
    items = []
    for branch_id, count in sorted(dues.reviews_by_branch(today=today).items()):
        items.append(
            Due(
                f"dues_review:{branch_id}:{today.year}",
                "dues_review",
                "review",
                _("Review the dues bases of %(count)s members for %(year)s")
                % {"count": count, "year": today.year},
                "",
                reverse("members:dues_branch", args=[branch_id]),
                branch_id,
            )
        )
    month = f"{today:%Y-%m}"
    for branch_id, count in sorted(dues.flagged_by_branch(today=today).items()):
        items.append(
            Due(
                f"dues_arrears:{branch_id}:{month}",
                "dues_arrears",
                "flagged",
                _("%(count)s members six months behind with dues, no reason recorded")
                % {"count": count},
                "",
                reverse("members:dues_branch", args=[branch_id]) + "#arrears",
                branch_id,
                tell_staff=True,
            )
        )
    return items


def recipients_for(due: Due, secretaries: dict[int, list[User]], staff: list[User]) -> list[User]:
    people = list(secretaries.get(due.branch_id, [])) if due.branch_id else []
    if due.tell_staff or due.branch_id is None or not people:
        people += staff
    unique = {user.pk: user for user in people}
    return list(unique.values())


def key_of(user: User, due: Due) -> str:
    return f"{user.pk}:{due.subject}:{due.event}:{due.stage}"


def sweep(today: datetime.date | None = None) -> list[int]:
    """Claim every reminder now due, with its deliveries; returns the ids of the reminders this
    sweep created (whose deliveries it must hand over).

    Set-based: the keys already taken are read, the rest inserted in batches with conflicts
    ignored (a sweep running at the same time may have taken some since), then the new rows are
    read back. Under such a race both sweeps may count a reminder as theirs and both hand over
    its delivery: the delivery's claim sends it once."""
    today = today or timezone.localdate()
    now = timezone.now()
    seats = (
        Seat.objects.held_on(today)
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user")
    )
    secretaries: dict[int, list[User]] = {}
    for seat in seats:
        secretaries.setdefault(seat.branch_id, []).append(seat.user)
    staff = list(User.objects.filter(is_active=True).filter(Q(role=User.Role.STREET_STAFF)))
    wanted: dict[str, Notification] = {}
    # Stored texts in the portal's language, whoever's request ran the sweep (eager Celery).
    with translation.override(settings.LANGUAGE_CODE):
        items = due_items(today)
    for due in items:
        for user in recipients_for(due, secretaries, staff):
            key = key_of(user, due)
            wanted.setdefault(
                key,
                Notification(
                    recipient=user,
                    key=key,
                    event=due.event,
                    stage=due.stage,
                    title=due.title,
                    body=due.body,
                    url=due.url,
                    branch_id=due.branch_id,
                ),
            )
    keys = list(wanted)
    taken: set[str] = set()
    for batch in _batches(keys):
        taken.update(Notification.objects.filter(key__in=batch).values_list("key", flat=True))
    new = [notification for key, notification in wanted.items() if key not in taken]
    Notification.objects.bulk_create(new, batch_size=deliveries.BATCH, ignore_conflicts=True)
    created: list[Notification] = []
    for batch in _batches([notification.key for notification in new]):
        for pk, key in Notification.objects.filter(key__in=batch).values_list("pk", "key"):
            wanted[key].pk = pk
            created.append(wanted[key])
    deliveries.create_for(created, now=now)
    return [notification.pk for notification in created]


def _batches(items: list) -> Iterator[list]:
    for start in range(0, len(items), deliveries.BATCH):
        yield items[start : start + deliveries.BATCH]
