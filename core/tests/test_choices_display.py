"""get_<field>_display() through the portal's table of labels says what Django's own says, for
every choice of every model that uses it, in both languages, and for a value outside the
choices."""

import pytest
from django.apps import apps
from django.db import models
from django.utils.translation import override

from core.models import ChoicesDisplay


def choice_fields():
    for model in apps.get_models():
        if not issubclass(model, ChoicesDisplay):
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                yield pytest.param(model, field, id=f"{model._meta.label}.{field.name}")


FIELDS = list(choice_fields())


def test_the_busy_models_use_it():
    labels = {param.values[0]._meta.label for param in FIELDS}
    assert {"members.Member", "activities.ActivityLog", "accounts.User", "branches.Seat"} <= labels
    assert len(FIELDS) >= 30


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("model", "field"), FIELDS)
def test_labels_as_django_gives_them(model, field, language):
    row = model()
    with override(language):
        for value in [*(value for value, _label in field.flatchoices), "not-a-choice", None]:
            setattr(row, field.attname, value)
            mine = getattr(row, f"get_{field.name}_display")()
            django = models.Model._get_FIELD_display(row, field)
            assert mine == django
            assert type(mine) is type(django)
