"""Middleware of the portal: /healthz answered before anything touches the database, and the
portal's language."""

from django.urls import reverse
from django.utils.functional import cached_property


class HealthzFirstMiddleware:
    """Answer /healthz before the session and authentication middleware run.

    With a session cookie, LoginRequiredMiddleware reads `request.user`, which loads the session
    (and then the user) from the database before any view runs: with the database down that was
    a 500 for a monitor carrying a cookie. Placed first, this answers the probe itself, so a
    database that is down is always the 503 the health check reports."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def path(self) -> str:
        return reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path:
            from core.views import healthz

            request.get_host()  # the same host check as every other page (DisallowedHost: 400)
            return healthz(request)
        return self.get_response(request)


class ChineseUnlessChosenMiddleware:
    """Drop the browser's Accept-Language before LocaleMiddleware reads it.

    Many of the street's computers and phones run an English-language browser; the portal's
    language is Chinese for everyone by default, and English only for a user who picked it (the
    language cookie set by the switcher in the top bar)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
