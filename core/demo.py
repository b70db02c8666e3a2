"""What every app's demo module shares: the seeded context it adds its rows to.

The order in which the apps' parts are loaded, and the command, live in home/demo.py (the top of
the house), so that no app needs to know the apps above it.
"""

from dataclasses import dataclass, field
from typing import Any

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
