"""What every app's demo module shares: the seeded context it adds its rows to.

The order in which the apps' parts are loaded, and the command, live in home/demo.py (the top of
the house), so that no app needs to know the apps above it.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from faker import Faker

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo log-ins; local use only
SEED = 2026
# The day the demo's long-lived dates (projects, branches, members, coordination, suggestions)
# are written for; on another day they are moved by as many days, so their gaps stay the same.
ANCHOR = datetime.date(2026, 11, 25)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later (earlier when negative), kept within the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


@dataclass
class DemoContext:
    fake: Faker
    # The day the demo is loaded for: what happened is placed before it (the last 12 months of
    # activities, the assessment cycle of its half-year open), what is due after it.
    today: datetime.date = field(default_factory=timezone.localdate)
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, what)
    fakers: dict[str, Faker] = field(default_factory=dict)

    def person_name(self) -> str:
        return self.fake.name()

    def shift(self, day: datetime.date) -> datetime.date:
        """A date written for ANCHOR, moved to the same distance from today."""
        return day + (self.today - ANCHOR)

    def month_start(self, months_ago: int) -> datetime.date:
        """The first day of the month `months_ago` months before today's (0: this month)."""
        return add_months(self.today.replace(day=1), -months_ago)

    def faker_for(self, part: str) -> Faker:
        """A Faker of its own for one part of the demo, seeded by the part's name, so adding
        names in one part never changes the names drawn in another."""
        if part not in self.fakers:
            fake = Faker("zh_CN")
            fake.seed_instance(f"{SEED}-{part}")
            self.fakers[part] = fake
        return self.fakers[part]


def new_context(today: datetime.date | None = None) -> DemoContext:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    return DemoContext(fake=fake, today=today or timezone.localdate())


# The demo steps of apps above home in the layers (home.demo cannot import them): each adds its
# step when Django is ready (its AppConfig.ready); home.demo.load runs them last, in that order.
_later_steps: list = []


def add_step(step) -> None:
    if step not in _later_steps:
        _later_steps.append(step)


def later_steps() -> tuple:
    return tuple(_later_steps)
