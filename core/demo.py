"""Demo data from the report's real names and figures (../shared/domain.md).

Deterministic: the same rows on every machine (names from a seeded Faker, fixed dates), and
idempotent: every row is looked up by its natural key first, so loading twice changes nothing.
Each app adds its part in its own demo module; load() runs them in dependency order.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from faker import Faker

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo log-ins; local use only
SEED = 2026


@dataclass
class DemoContext:
    fake: Faker
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, what)
    fakers: dict[str, Faker] = field(default_factory=dict)

    def person_name(self) -> str:
        return self.fake.name()

    def faker_for(self, part: str) -> Faker:
        """A Faker of its own for one part of the demo, seeded by the part's name, so adding
        names in one part never changes the names drawn in another."""
        if part not in self.fakers:
            fake = Faker("zh_CN")
            fake.seed_instance(f"{SEED}-{part}")
            self.fakers[part] = fake
        return self.fakers[part]


def new_context() -> DemoContext:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    return DemoContext(fake=fake)


@transaction.atomic
def load() -> DemoContext:
    from accounts import demo as accounts_demo
    from activities import demo as activities_demo
    from assessments import demo as assessments_demo
    from branches import demo as branches_demo
    from members import demo as members_demo
    from projects import demo as projects_demo

    ctx = new_context()
    for step in (
        projects_demo.load,
        accounts_demo.load,
        branches_demo.load,
        projects_demo.load_coordination,
        members_demo.load,
        activities_demo.load,
        assessments_demo.load,
    ):
        step(ctx)
    return ctx
