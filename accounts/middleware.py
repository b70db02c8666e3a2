"""Idle sessions end; a log-in that still owes a step (second factor, new password) reaches
nothing but that step."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import twofactor

LAST_SEEN_KEY = "portal_last_seen"
# The session is written at most this often just to move the idle clock (not on every request).
LAST_SEEN_GRANULARITY_SECONDS = 60

STEP_PAGES = {
    twofactor.ENROL: "accounts:two_factor_enrol",
    twofactor.VERIFY: "accounts:two_factor_verify",
    twofactor.CHANGE_PASSWORD: "accounts:password_change",
}
ALWAYS_OPEN = {"accounts:logout", "admin:logout"}


def start_idle_clock(request) -> None:
    request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())


class IdleTimeoutMiddleware:
    """Log out a session that made no request for PORTAL_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = settings.PORTAL_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - last_seen > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.PORTAL_IDLE_TIMEOUT_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= LAST_SEEN_GRANULARITY_SECONDS:
                start_idle_clock(request)
        return self.get_response(request)


class AccountStepMiddleware:
    """Until a logged-in user has enrolled / entered the second factor, or changed a password a
    committee admin asked them to change, every page sends them to that step (log-out stays
    open, and so do the pages that need no log-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        step = twofactor.pending_step(request.user)
        if step is None:
            return None
        page = STEP_PAGES[step]
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name == page or view_name in ALWAYS_OPEN:
            return None
        return redirect(f"{reverse(page)}?next={quote(request.get_full_path(), safe='/')}")
