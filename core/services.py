"""Helpers every service uses."""

import datetime
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

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


def refuse_future(**dates: datetime.date | None) -> None:
    """A change of state (joined, left, appointed, ended, established, closed) is recorded when it
    has happened: a date after today (Asia/Shanghai) is refused, named by its form field."""
    today = timezone.localdate()
    errors = {
        field: _("This date is in the future.")
        for field, day in dates.items()
        if day is not None and day > today
    }
    if errors:
        raise ValidationError(errors)
