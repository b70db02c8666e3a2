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


class EditConflict(ValidationError):
    """Someone else saved the record since the form was shown: nothing was saved.

    `current` is what is stored now, in the shape the form is built from (the record for a model
    form; for the scoring form the scores by criterion): the form shows it field by field next to
    the user's own values (core.forms.RenderedValuesMixin.show_conflict)."""

    def __init__(self, current, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else saved this while you were editing it, so nothing was saved. "
                "Your values are kept; what they changed is listed here. Check and save again."
            ),
            code="edit_conflict",
        )
        self.current = current


def save_revision(instance: M) -> M:
    """Validate and save a record (core.models.Revisioned) as its next revision.

    `instance.revision` is the revision the change is based on: the one a form was shown with
    (RevisionFormMixin sets it), or the one read, under lock, by the service making the change.
    The next revision is claimed with a conditional UPDATE … WHERE revision = N, atomic on every
    database: if anyone saved the record since, nothing is written and EditConflict carries the
    record as it is now."""
    if instance._state.adding:
        instance.full_clean()
        instance.save()
        return instance
    model = type(instance)
    based_on = instance.revision
    with transaction.atomic():
        claimed = model._base_manager.filter(pk=instance.pk, revision=based_on).update(
            revision=based_on + 1
        )
        if not claimed:
            current = model._base_manager.filter(pk=instance.pk).first()
            if current is None:
                raise ValidationError(
                    _("Someone else deleted this meanwhile: nothing was saved."),
                    code="deleted_meanwhile",
                )
            raise EditConflict(current)
        instance.revision = based_on + 1
        try:
            instance.full_clean()
            instance.save()
        except BaseException:
            instance.revision = based_on
            raise
    return instance


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
