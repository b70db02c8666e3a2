import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import AccessRecord, CalendarFeed, User

# The Cybersecurity Law (art. 21) asks that network logs be kept for at least six months.
MINIMUM_ACCESS_LOG_DAYS = 183


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
) -> User:
    """Create a log-in. A committee admin gets the admin site; nobody else does."""
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        is_staff=role == User.Role.COMMITTEE_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def client_address(request) -> str | None:
    """The caller's address as django-axes resolves it (the same one its lock-outs count)."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None)
    if address:
        return address
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_access(
    *,
    request=None,
    action: str,
    user: User | None = None,
    username: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    result: str = AccessRecord.Result.SUCCESS,
    detail: str = "",
) -> AccessRecord:
    """Append one record to the access log. The actor is `user`, else the request's user; `obj`
    names the object (its label, id and the text it shows) unless object_* are given."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)
    return AccessRecord.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        ip_address=client_address(request),
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_label=object_label[:200],
        result=result,
        detail=detail[:500],
    )


def access_log_days() -> int:
    """How long records are kept: PORTAL_ACCESS_LOG_DAYS, never under six months."""
    return max(settings.PORTAL_ACCESS_LOG_DAYS, MINIMUM_ACCESS_LOG_DAYS)


def prune_access_records(*, now=None) -> int:
    """Delete the records older than the retention period; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=access_log_days())
    deleted, _ = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return deleted


def password_change_require(*, user: User, request=None) -> None:
    """A committee admin forces a reset: at the next request the user must change the password
    before anything else."""
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.must_change_password = True
    record_access(request=request, action=AccessRecord.Action.PASSWORD_RESET_REQUIRED, obj=user)


def password_changed(*, user: User, request=None) -> None:
    """The user chose a new password (the form saved it): the forced reset is done."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    record_access(request=request, user=user, action=AccessRecord.Action.PASSWORD_CHANGED)


def account_unlock(*, user: User, request=None) -> bool:
    """Lift a lock-out after failed log-ins (django-axes counts them per user name). Returns
    whether there was anything to lift."""
    from axes.utils import reset

    if not reset(username=user.get_username()):
        return False
    record_access(request=request, action=AccessRecord.Action.UNLOCK, obj=user)
    return True


def filters_of(request) -> str:
    """The request's query string as a person reads it (what an export was filtered by)."""
    return "&".join(f"{key}={value}" for key, value in request.GET.items() if value)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user: User, now=None) -> str:
    """A new secret address for the user's calendar; any earlier one stops working. Returns the
    token, which is not kept (only its hash): the caller shows it once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_hash": _token_hash(token),
            "created_at": now or timezone.now(),
            "last_read_at": None,
        },
    )
    return token


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_revoke(*, user: User) -> bool:
    return bool(CalendarFeed.objects.filter(user=user).delete()[0])


def calendar_feed_user(*, token: str, now=None) -> User | None:
    """The active user whose calendar this token opens, or None (unknown, revoked, inactive).
    Notes when the feed was last read (at most once an hour: calendar apps poll often)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_token_hash(token), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = now or timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed.user
