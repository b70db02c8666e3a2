"""Each consumer may call so many times a minute (its own setting), counted from the calls
recorded in the database (api.Call, one row per call) over the last minute: every web host and
worker sees the same count, with no shared cache needed, and one consumer's burst never slows
another. Refused calls (429) are recorded but not counted, so a client that waits gets in."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from api.models import Call, Consumer

WINDOW = timedelta(minutes=1)
REFUSED = 429


class ConsumerRateThrottle(BaseThrottle):
    def __init__(self):
        self.retry_after: float | None = None

    def allow_request(self, request, view) -> bool:
        consumer = request.auth
        if not isinstance(consumer, Consumer):
            return True
        now = timezone.now()
        limit = consumer.requests_per_minute
        # The last `limit` counted calls within the window (index: consumer, called_at).
        counted = (
            Call.objects.filter(consumer_id=consumer.pk, called_at__gt=now - WINDOW)
            .exclude(status=REFUSED)
            .order_by("-called_at")
            .values_list("called_at", flat=True)
        )
        recent = list(counted[:limit])
        if len(recent) < limit:
            return True
        self.retry_after = max((recent[-1] + WINDOW - now).total_seconds(), 1.0)
        return False

    def wait(self) -> float | None:
        return self.retry_after
