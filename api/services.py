"""Registering, re-keying and revoking API consumers; recording their calls."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.services import access_log_days
from api.models import Call, Consumer


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_digest(token), token[:8]


def consumer_register(
    *,
    consumer: Consumer,
    branches: Iterable,
    actor,
) -> tuple[Consumer, str]:
    """Save a new consumer with a fresh token; the token is returned to be shown once."""
    token, digest, prefix = _new_token()
    with transaction.atomic():
        consumer.token_hash, consumer.token_prefix = digest, prefix
        consumer.created_by = actor if getattr(actor, "pk", None) else None
        consumer.full_clean()
        consumer.save()
        consumer.branches.set(branches)
    return consumer, token


def consumer_rekey(*, consumer: Consumer) -> str:
    """Replace a consumer's token (the old one stops working at once); the new one is returned
    to be shown once."""
    token, digest, prefix = _new_token()
    consumer.token_hash, consumer.token_prefix = digest, prefix
    consumer.save(update_fields=["token_hash", "token_prefix"])
    return token


def consumer_revoke(*, consumer: Consumer) -> Consumer:
    if consumer.revoked_at is None:
        consumer.revoked_at = timezone.now()
        consumer.save(update_fields=["revoked_at"])
    return consumer


def call_record(*, consumer_id: int, endpoint: str, status: int, rows: int) -> None:
    """One insert per call, nothing read."""
    Call.objects.create(consumer_id=consumer_id, endpoint=endpoint[:300], status=status, rows=rows)


def prune_calls(*, now=None) -> int:
    """Delete the calls recorded before the access log's retention (PORTAL_ACCESS_LOG_DAYS,
    never under six months); returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=access_log_days())
    deleted, _ = Call.objects.filter(called_at__lt=cutoff).delete()
    return deleted
