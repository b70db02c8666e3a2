from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import ChoicesDisplay


class User(ChoicesDisplay, AbstractUser):
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
    must_change_password = models.BooleanField(
        _("must change the password at the next log-in"),
        default=False,
        db_default=False,  # rows written by code that predates the field get it too
        help_text=_("Set by a committee admin; the user can do nothing else until it is changed."),
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


class AccessRecord(models.Model):
    """One entry of the access log (访问日志) for personal data and security events: who did
    what, when, from which address, to which object, with which result. Records are only ever
    appended (accounts.audit.record_access) and pruned after PORTAL_ACCESS_LOG_DAYS; neither the
    portal nor the admin can change or delete one."""

    class Action(models.TextChoices):
        VIEW_PERSONAL_DATA = "view_personal_data", _("Viewed full ID number and phone")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong two-factor code")
        LOCKOUT = "lockout", _("Account locked out")
        UNLOCK = "unlock", _("Account unlocked")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor authentication set up")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUIRED = "password_reset_required", _("Password reset required")
        ROLE_CHANGE = "role_change", _("Role changed")
        PERMISSION_CHANGE = "permission_change", _("Permissions changed")

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # The user may be deleted later; the log keeps the name they logged in with.
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    result = models.CharField(
        pgettext_lazy("access log", "result"),
        max_length=10,
        choices=Result.choices,
        default=Result.SUCCESS,
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access record")
        # django-axes names its log-in records "access log" too: a context keeps the two
        # apart in the admin (访问日志 here, 登录登出记录 there).
        verbose_name_plural = pgettext_lazy("personal data", "access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class CalendarFeed(models.Model):
    """A user's secret calendar address (日历订阅): the feed at /calendar/<token>.ics needs no
    log-in, only the token. The token is shown once when it is made; only its SHA-256 is kept,
    so a copy of the database cannot read anyone's calendar. Making a new one revokes the old."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return str(self.user)
