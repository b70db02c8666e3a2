"""Constraint builders for the records that are held from one date to another (a seat, an
appointment, a participation): history is kept by closing a period, never by overwriting it."""

from django.db import models
from django.db.models import F, Q


def dates_in_order(start: str, end: str, *, name: str, message) -> models.CheckConstraint:
    """The period may be open (no end yet), or end on or after its start."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


def one_open_period(owner: str, end: str, *, name: str, message) -> models.UniqueConstraint:
    """At most one open period (no end date yet) per owner."""
    return models.UniqueConstraint(
        fields=[owner],
        condition=Q(**{f"{end}__isnull": True}),
        name=name,
        violation_error_message=message,
    )
