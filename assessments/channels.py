"""Where a reminder goes besides the in-app list. A channel is a class with a `name`,
`reaches(user)` (can it reach this person at all?) and `send(notification)` that raises on
failure; the setting PORTAL_NOTIFICATION_CHANNELS lists the ones in use. Another one (a WeCom
group robot's webhook, say) is a class like these. Each reminder gets one Delivery per channel
that reaches its recipient (assessments/deliveries.py)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class EmailChannel:
    name = "email"
    label = _("E-mail")

    def reaches(self, user) -> bool:
        return bool(user.email)

    def send(self, notification) -> None:
        url = notification.url
        body = notification.body + (f"\n\n{settings.PORTAL_BASE_URL}{url}" if url else "")
        send_mail(
            subject=notification.title,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )


def channels() -> list:
    return [import_string(path)() for path in settings.PORTAL_NOTIFICATION_CHANNELS]


def channel_label(name: str) -> str:
    """How a channel is named to people (its `label`), the stored name for one no longer set."""
    for channel in channels():
        if channel.name == name:
            return str(getattr(channel, "label", name))
    return name
