"""A required select with a single option shows it chosen."""

import pytest
from django import forms

from core.forms import PreselectSingleChoiceMixin

pytestmark = pytest.mark.django_db


class Sample(PreselectSingleChoiceMixin, forms.Form):
    one = forms.ChoiceField(choices=[("", "---"), ("a", "A")])
    two = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    optional = forms.ChoiceField(choices=[("a", "A")], required=False)
    grouped = forms.ChoiceField(choices=[("G", [("x", "X")])])
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


def test_only_a_required_select_with_one_option_is_preselected():
    form = Sample()
    assert form["one"].value() == "a"
    assert form["grouped"].value() == "x"
    assert form["two"].value() is None
    assert form["optional"].value() is None
    assert form["radio"].value() is None
    assert Sample(initial={"one": ""})["one"].value() == "a"
    assert Sample(initial={"two": "b"})["two"].value() == "b"


def test_a_sent_form_keeps_what_was_sent():
    form = Sample(data={"two": "a"})
    assert form["one"].value() is None
    assert not form.is_valid() and "one" in form.errors


def test_the_suggestion_form_preselects_a_secretarys_one_project(secretary_client, branch):
    from django.urls import reverse

    page = secretary_client.get(reverse("activities:suggestion_create")).content.decode()
    assert f'<option value="{branch.project_id}" selected>' in page


def test_the_rule_form_preselects_the_one_branch(secretary_client, branch):
    from django.urls import reverse

    page = secretary_client.get(reverse("activities:rule_create")).content.decode()
    assert f'<option value="{branch.pk}" selected>' in page
