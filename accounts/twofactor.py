"""Two-factor log-in (双因素认证) with a time-based one-time code (动态口令, TOTP) and recovery
codes (恢复码), on django-otp.

Street staff and committee admins must use it (they reach no page but the enrolment until they
have set it up, and must enter a code at every log-in); a secretary may set it up and is then
asked for a code at every log-in too. The demo log-ins skip it while DEBUG is on, so that
`make run` stays one command."""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import is_street_staff
from accounts.models import AccessRecord, User
from accounts.services import record_access

ENROL, VERIFY, CHANGE_PASSWORD = "enrol", "verify", "change_password"
UNCONFIRMED_NAME = "动态口令"  # the device names committee admins see in the admin
RECOVERY_NAME = "恢复码"


def demo_usernames() -> set[str]:
    from accounts.demo import SECRETARY_USERNAMES, STAFF_USERNAMES

    return {*STAFF_USERNAMES, *SECRETARY_USERNAMES}


def skips_second_factor(user) -> bool:
    """Only the demo's log-ins, and only on a development machine (DEBUG)."""
    return bool(settings.DEBUG and user.get_username() in demo_usernames())


def second_factor_required(user) -> bool:
    """Street staff, committee admins and superusers must have a second factor."""
    return is_street_staff(user) or user.is_staff or user.is_superuser


def pending_step(user) -> str | None:
    """What a logged-in user must do before any other page, if anything."""
    if not user.is_authenticated:
        return None
    if not user.is_verified() and not skips_second_factor(user):
        if user_has_device(user):
            return VERIFY
        if second_factor_required(user):
            return ENROL
    if user.must_change_password:
        return CHANGE_PASSWORD
    return None


def may_enrol(user) -> bool:
    """A new authenticator replaces the old one only in a session that passed the old one
    (else a stolen password would be enough to take the second factor over)."""
    return user.is_verified() or not user_has_device(user)


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up: the same key until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=UNCONFIRMED_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn on the server (no script)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="portal-qr", lineclass=None
    )


def base32_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (groups of four)."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it: it replaces any earlier one, fresh
    recovery codes are made (returned, to be shown once) and this session counts as verified.
    None when the code is wrong."""
    user = request.user
    if not device.verify_token(token.strip()):
        record_access(
            request=request,
            action=AccessRecord.Action.SECOND_FACTOR_FAILED,
            obj=user,
            result=AccessRecord.Result.FAILURE,
            detail="enrolment",
        )
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    otp_login(request, device)
    record_access(request=request, action=AccessRecord.Action.TWO_FACTOR_ENROLLED, obj=user)
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of single-use recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(*, request, token: str) -> bool:
    """Check a code from the authenticator (or a recovery code, used up by it). A wrong one is
    refused, counted by the device (each further try waits longer) and recorded."""
    device = match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        record_access(
            request=request,
            action=AccessRecord.Action.SECOND_FACTOR_FAILED,
            obj=request.user,
            result=AccessRecord.Result.FAILURE,
        )
        return False
    otp_login(request, device)
    return True
