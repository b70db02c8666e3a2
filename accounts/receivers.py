"""Log-ins, failed log-ins and lock-outs reach the access log through the signals Django and
django-axes send for them (their views are not ours to change)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.middleware import start_idle_clock
from accounts.models import AccessRecord, User
from accounts.services import record_access


@receiver(user_logged_in, dispatch_uid="accounts.access_log.logged_in")
def log_in_recorded(sender, request, user, **kwargs):
    record_access(request=request, user=user, action=AccessRecord.Action.LOGIN)
    # The idle clock starts at the log-in (accounts.middleware.IdleTimeoutMiddleware).
    if request is not None and hasattr(request, "session"):
        start_idle_clock(request)


def _named(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@receiver(user_login_failed, dispatch_uid="accounts.access_log.login_failed")
def failed_log_in_recorded(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    record_access(
        request=request,
        user=_named(username),
        username=username,
        action=AccessRecord.Action.LOGIN_FAILED,
        result=AccessRecord.Result.FAILURE,
    )


@receiver(user_locked_out, dispatch_uid="accounts.access_log.locked_out")
def lock_out_recorded(sender, request, username, ip_address, **kwargs):
    record_access(
        request=request,
        user=_named(username),
        username=username or "",
        action=AccessRecord.Action.LOCKOUT,
        result=AccessRecord.Result.FAILURE,
    )
