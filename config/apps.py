"""Third-party apps as the admin shows them: under Chinese names.

An app's section in the admin is titled by its AppConfig's verbose_name, which django-axes and
django-otp leave untranslated ("Axes", "Otp_Totp"). django-otp also labels its devices' fields
with plain English strings (not gettext), so they are given translatable ones here, identical
in English: the models and their migrations do not change."""

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Log-in lock-out")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.utils import timezone

        # django-axes names its records with English f-strings and UTC times: they title the
        # admin's pages, so they are named here in the admin's language and local time.
        def when(record) -> str:
            return f"{timezone.localtime(record.attempt_time):%Y-%m-%d %H:%M}"

        AccessLog.__str__ = lambda log: (
            _("%(username)s logged in at %(when)s")
            % {
                "username": log.username,
                "when": when(log),
            }
        )
        AccessAttempt.__str__ = lambda attempt: (
            _("%(username)s: failed log-ins since %(when)s")
            % {
                "username": attempt.username,
                "when": when(attempt),
            }
        )
        AccessFailureLog.__str__ = lambda failure: (
            _("%(username)s: failed log-in at %(when)s")
            % {
                "username": failure.username,
                "when": when(failure),
            }
        )


def _label_device_fields(model) -> None:
    """Translatable labels for the fields every django-otp device has."""
    labels = {
        "user": (_("user"), _("The user that this device belongs to.")),
        "name": (_("name"), _("The human-readable name of this device.")),
        "confirmed": (_("confirmed"), _("Is this device ready for use?")),
        "created_at": (
            _("created at"),
            _("The date and time when this device was initially created in the system."),
        ),
        "last_used_at": (
            _("last used at"),
            _("The most recent date and time this device was used."),
        ),
    }
    for name, (verbose_name, help_text) in labels.items():
        field = model._meta.get_field(name)
        field.verbose_name = verbose_name
        field.help_text = help_text


class OTPStaticConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    verbose_name = _("Recovery codes")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        _label_device_fields(StaticDevice)
        StaticDevice._meta.verbose_name = _("static device")
        StaticDevice._meta.verbose_name_plural = _("static devices")
        StaticToken._meta.verbose_name = _("recovery code")
        StaticToken._meta.verbose_name_plural = _("recovery codes")


class OTPTOTPConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    verbose_name = _("Authenticator apps")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        _label_device_fields(TOTPDevice)
        TOTPDevice._meta.verbose_name = _("TOTP device")
        TOTPDevice._meta.verbose_name_plural = _("TOTP devices")
