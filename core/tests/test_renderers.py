"""The portal's form renderer writes the plain widgets in Python: character for character what
Django's own widget templates write, for every kind of value and attribute."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from core.forms import DateInput
from core.renderers import PortalFormRenderer


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="help <b>text</b>")
    number = forms.IntegerField(min_value=0)
    amount = forms.DecimalField(decimal_places=2, required=False)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    on = forms.DateField(widget=DateInput, required=False)
    agreed = forms.BooleanField(required=False)
    maybe = forms.NullBooleanField(required=False)
    kind = forms.ChoiceField(
        choices=[("", "---------"), ("a", "A & B"), ("<x>", gettext_lazy("name")), (3, 3)]
    )
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [("g1", "one"), ("g2", "two")]), ("solo", "Solo")],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    flags = forms.CharField(
        widget=forms.TextInput(attrs={"disabled": True, "readonly": False, "data-x": '"q"'}),
        required=False,
    )


VALUES = [
    {},
    {
        "text": 'he said "<hi>" & left',
        "number": "12",
        "amount": "1234.50",
        "email": "a@b.cn",
        "hidden": "h'1",
        "password": "p<w>",
        "on": "2026-11-30",
        "agreed": "on",
        "maybe": "true",
        "kind": "<x>",
        "grouped": "g2",
        "several": ["x", "y"],
        "note": "line 1\n<line 2> & 3",
        "flags": "ok",
    },
    {"number": "not a number", "on": "1900-99-99", "kind": "nope", "note": ""},
]
INITIAL = {
    "text": mark_safe("<i>safe</i>"),
    "number": 7,
    "amount": Decimal("96.50"),
    "on": datetime.date(2026, 12, 1),
    "agreed": True,
    "maybe": False,
    "kind": 3,
    "note": "initial",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", VALUES, ids=["empty", "filled", "invalid"])
def test_every_widget_as_django_writes_it(data, language):
    with override(language):
        for bound in (True, False):
            django_form = EveryWidget(
                data if bound else None, initial=INITIAL, renderer=DjangoTemplates()
            )
            portal_form = EveryWidget(
                data if bound else None, initial=INITIAL, renderer=PortalFormRenderer()
            )
            for name in django_form.fields:
                assert str(portal_form[name]) == str(django_form[name]), name
            assert str(portal_form) == str(django_form)


def test_a_widget_with_its_own_template_goes_to_the_templates():
    class Radios(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    assert str(Radios(renderer=PortalFormRenderer())["choice"]) == str(
        Radios(renderer=DjangoTemplates())["choice"]
    )


def test_the_portal_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)
    assert settings.FORM_RENDERER == "core.renderers.PortalFormRenderer"
