from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The pages that look across every app: the street's workbench, a secretary's home, the
    reminders' bell, the handover archive and the demo data. It sits on top of the house: it may
    import any app, and no app imports it."""

    name = "home"
    verbose_name = _("Home")
