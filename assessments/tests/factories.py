import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from assessments import services
from assessments.models import Criterion, Cycle, Delivery, Notification, RuleVersion

D = datetime.date


def make_version(*, name="考核细则", published=True) -> RuleVersion:
    version = RuleVersion.objects.create(name=name, year=2026)
    rows = [
        ("1", None, "党建工作", "party", 100, "manual", ""),
        ("1-1", "1", "组织建设", "party", 60, "manual", ""),
        ("1-2", "1", "组织生活", "party", 40, "computed", "coordination_on_time"),
        ("2", None, "项目建设", "construction", 100, "manual", ""),
        ("2-1", "2", "进度与安全", "construction", 100, "manual", ""),
        ("3", None, "加分", "bonus", 10, "manual", ""),
        ("3-1", "3", "省级表彰", "bonus", 8, "manual", ""),
        ("5", None, "一票否决", "veto", 1, "manual", ""),
        ("5-1", "5", "重大安全事故", "veto", 1, "manual", ""),
    ]
    by_code = {}
    for code, parent, title, category, maximum, method, metric in rows:
        by_code[code] = Criterion.objects.create(
            version=version,
            parent=by_code.get(parent),
            code=code,
            title=title,
            category=category,
            max_score=Decimal(maximum),
            method=method,
            metric=metric,
        )
    if published:
        version = services.version_publish(version=version, on=D(2026, 1, 10))
    return version


def make_cycle(version, branches, *, name="2026年上半年", status=Cycle.Status.DEPLOYING, **dates):
    fields = {
        "starts_on": D(2026, 1, 1),
        "ends_on": D(2026, 6, 30),
        "deploy_due": D(2026, 1, 31),
        "inspect_due": D(2026, 5, 31),
        "assess_due": D(2026, 7, 15),
    } | dates
    cycle = services.cycle_create(
        cycle=Cycle(version=version, name=name, **fields), branches=branches
    )
    if status != Cycle.Status.DEPLOYING:
        Cycle.objects.filter(pk=cycle.pk).update(status=status)
        cycle.refresh_from_db()
    return cycle


def leaf(version, code) -> Criterion:
    return version.criteria.get(code=code)


def make_delivery(recipient=None, *, key=None, **fields) -> Delivery:
    """A reminder to `recipient` (a new street staff member with an e-mail address if none) and
    its e-mail delivery, pending and due now unless `fields` say otherwise."""
    from accounts.tests.factories import StreetStaffFactory

    recipient = recipient or StreetStaffFactory(
        email=factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    )
    notification = Notification.objects.create(
        recipient=recipient,
        key=key or f"{recipient.pk}:test:{Notification.objects.count()}",
        event="task_due",
        stage="7d",
        title="计划 due on 2026-03-10",
    )
    now = timezone.now()
    return Delivery.objects.create(
        notification=notification,
        channel="email",
        **{"next_attempt_at": now, "queued_at": now} | fields,
    )
