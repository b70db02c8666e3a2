"""Pieces the apps' models share: the revision of a record edited through forms, and constraint
builders for the records held from one date to another (a seat, an appointment, a
participation), whose history is kept by closing a period, never by overwriting it."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Revisioned(models.Model):
    """A record people edit through forms. `revision` counts its saves through the services
    (core.services.save_revision); an edit form carries the revision it was shown with
    (core.forms.RevisionFormMixin), and a save based on an older one is refused instead of
    silently overwriting what someone else saved meanwhile."""

    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        abstract = True


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
