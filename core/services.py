"""Helpers every service uses."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model

M = TypeVar("M", bound=Model)


def create_once(model: type[M], token: uuid.UUID | None, create: Callable[[], M]) -> M:
    """Create through `create`, unless a record with this form's submission token exists already:
    a form sent twice (a double tap, a resend on a weak signal) makes one record."""
    if token is not None:
        existing = model._default_manager.filter(submission_token=token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        # Two requests with the same token raced: the other one won, return its record.
        if token is not None:
            existing = model._default_manager.filter(submission_token=token).first()
            if existing is not None:
                return existing
        raise
