"""Each consumer may call so many times a minute (its own setting), counted in the default
cache under its id: one consumer's burst never slows another."""

from rest_framework.throttling import SimpleRateThrottle

from api.models import Consumer


class ConsumerRateThrottle(SimpleRateThrottle):
    scope = "api_consumer"
    duration = 60

    def __init__(self):  # the rate is the consumer's, read per request
        pass

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, Consumer):
            return None
        return f"throttle_api_consumer_{request.auth.pk}"

    def allow_request(self, request, view) -> bool:
        if isinstance(request.auth, Consumer):
            self.rate = f"{request.auth.requests_per_minute}/min"
            self.num_requests, self.duration = request.auth.requests_per_minute, 60
        else:
            self.rate, self.num_requests = None, None
        return super().allow_request(request, view)
