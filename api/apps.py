from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("Read API")

    def ready(self):
        from api import demo
        from core.demo import add_step

        add_step(demo.load)  # the demo's registered consumer (home.demo runs it last)
