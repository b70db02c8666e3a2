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

    def person_name(self) -> str:
        return self.fake.name()


def new_context() -> DemoContext:
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    return DemoContext(fake=fake)


@transaction.atomic
def load() -> DemoContext:
    from accounts import demo as accounts_demo
    from branches import demo as branches_demo
    from projects import demo as projects_demo

    ctx = new_context()
    for part in (projects_demo, accounts_demo, branches_demo):
        part.load(ctx)
    return ctx
