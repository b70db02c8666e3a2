"""The consumers of the read API (the district's platforms) and the record of their calls."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consumer(models.Model):
    """A platform allowed to read the street's data with a token. The token is shown once, when
    the consumer is registered; only its SHA-256 is kept, so a lost token is replaced, never
    read back. Revoked or expired, the token opens nothing (401)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(
        _("token begins with"),
        max_length=8,
        editable=False,
        help_text=_("The first characters of the token, to tell tokens apart."),
    )
    whole_street = models.BooleanField(
        _("the whole street"),
        default=False,
        help_text=_("Reads every branch, and the street's figures; otherwise only the branches."),
    )
    branches = models.ManyToManyField(
        "branches.Branch",
        blank=True,
        related_name="api_consumers",
        verbose_name=_("branches"),
    )
    requests_per_minute = models.PositiveIntegerField(_("calls per minute"), default=120)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API consumer")
        verbose_name_plural = _("API consumers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1), name="api_consumer_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Call(models.Model):
    """One call of the API: who, when, which endpoint, how many rows it answered."""

    consumer = models.ForeignKey(
        Consumer, on_delete=models.CASCADE, related_name="calls", verbose_name=_("consumer")
    )
    called_at = models.DateTimeField(_("called at"), default=timezone.now)
    endpoint = models.CharField(_("endpoint"), max_length=300)
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-called_at", "-pk"]
        indexes = [
            models.Index(fields=["consumer", "called_at"], name="api_call_consumer_at_idx"),
            models.Index(fields=["called_at"], name="api_call_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} · {timezone.localtime(self.called_at):%Y-%m-%d %H:%M:%S}"
