from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in. What they may see follows from their role (and, for a secretary,
    from the branch seats tied to this log-in: see accounts.access)."""

    class Role(models.TextChoices):
        STREET_STAFF = "street_staff", _("Street staff")
        BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
        COMMITTEE_ADMIN = "committee_admin", _("Committee admin")

    # Chinese names are written whole; first/last name fields would only be split wrongly.
    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.BRANCH_SECRETARY,  # the least a new account can see
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="committee_admin") | models.Q(is_staff=True),
                name="committee_admin_is_staff",
                violation_error_message=_("A committee admin must have access to the admin site."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username
