"""django-simple-history's HistoricalRecords, with names that can be translated.

simple-history names a historical model "historical <verbose name>" with a literal English
word, so the admin (its models and permission names) showed "historical 党员" in Chinese. Here
the word goes through gettext. In English the names are what simple-history gives, so the
migrations do not change."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords as BaseHistoricalRecords


class HistoricalRecords(BaseHistoricalRecords):
    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("historical {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                _("historical {}"), model._meta.verbose_name_plural
            )
        return options
