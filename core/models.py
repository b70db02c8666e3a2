"""Pieces the apps' models share: the revision of a record edited through forms; constraint
builders for the records held from one date to another (a seat, an appointment, a
participation), whose history is kept by closing a period, never by overwriting it; and the
outbox of background jobs, which every app may use."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from core.task_labels import task_label

_LABELS_OF_FIELD: dict = {}


class ChoicesDisplay:
    """`get_<field>_display()` from a table of labels made once per field. Django's own rebuilds
    the table from the field's choices on every call (hashing each lazy label): a list page
    calls it a few hundred times. The labels stay lazy, so each call speaks the current
    language; a value outside the choices is shown as it is, as Django does."""

    def _get_FIELD_display(self, field):
        labels = _LABELS_OF_FIELD.get(field)
        if labels is None:
            labels = dict(make_hashable(field.flatchoices))
            _LABELS_OF_FIELD[field] = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class Revisioned(ChoicesDisplay, models.Model):
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


class Job(models.Model):
    """The outbox: work for a Celery worker, written in the same transaction as the change that
    asks for it and handed to the broker after commit (core/outbox.py). If the broker is down the
    change still stands, and a periodic pass hands the job over once the queue is back."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the queue")
        HANDING = "handing", _("Being handed to the queue")
        HANDED = "handed", _("Handed to the queue")

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    handed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts to hand over"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # The request that asked for the job (core.observability): its log lines and the task's
    # share the id, even when the periodic pass hands the job over later.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="core_job_status_created")]

    def __str__(self) -> str:
        return f"{task_label(self.task)} #{self.pk} ({self.get_status_display()})"
