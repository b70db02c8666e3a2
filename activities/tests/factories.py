import datetime

import factory

from activities.defaults import ensure_default_kinds
from activities.models import ActivityKind, ActivityLog
from branches.tests.factories import BranchFactory


def kind(code: str) -> ActivityKind:
    """The default kinds come with the migrations; a transactional test before this one (a
    browser test) may have emptied the table, and then they are made again."""
    found = ActivityKind.objects.filter(code=code).first()
    if found is None:
        ensure_default_kinds(ActivityKind)
        found = ActivityKind.objects.get(code=code)
    return found


class ActivityLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityLog

    branch = factory.SubFactory(BranchFactory)
    kind = factory.LazyFunction(lambda: kind("committee-meeting"))
    title = factory.Sequence(lambda n: f"支委会{n}")
    held_on = datetime.date(2026, 3, 10)
    status = ActivityLog.Status.SUBMITTED
    submitted_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC)
    )
