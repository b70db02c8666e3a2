import datetime

import factory

from activities.models import ActivityKind, ActivityLog
from branches.tests.factories import BranchFactory


def kind(code: str) -> ActivityKind:
    """The default kinds come with the migrations."""
    return ActivityKind.objects.get(code=code)


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
