"""Demo data from the report's real names and figures (../shared/domain.md).

Deterministic: the same rows on every machine for a given day (names from a seeded Faker, dates
placed relative to the day it is loaded for, see core.demo.DemoContext.today), and idempotent:
every row is looked up by its natural key first, so loading twice changes nothing.
Each app adds its part in its own demo module; load() runs them in dependency order. An app
above home in the layers (the read API) adds its step with core.demo.add_step when it is ready.
"""

import datetime

from django.db import transaction

from accounts import demo as accounts_demo
from activities import demo as activities_demo
from assessments import demo as assessments_demo
from branches import demo as branches_demo
from core.demo import DEMO_PASSWORD, DemoContext, later_steps, new_context
from members import demo as members_demo
from projects import demo as projects_demo

__all__ = ["DEMO_PASSWORD", "load"]


@transaction.atomic
def load(today: datetime.date | None = None) -> DemoContext:
    """Load the demo as it stands on `today` (by default the day in Asia/Shanghai)."""
    ctx = new_context(today)
    for step in (
        projects_demo.load,
        accounts_demo.load,
        branches_demo.load,
        projects_demo.load_coordination,
        members_demo.load,
        members_demo.load_elections,
        members_demo.load_recruiting,
        activities_demo.load,
        assessments_demo.load,
        *later_steps(),
    ):
        step(ctx)
    return ctx
