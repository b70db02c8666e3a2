"""A filter bar's field in Bootstrap's markup: label tied to its control, errors announced."""

from django import forms
from django.template import Context, Template


class Filters(forms.Form):
    q = forms.CharField(label="Name <or> phone", required=False)
    standing = forms.ChoiceField(choices=[("", "---------"), ("full", "full")], required=False)
    since = forms.DateField(required=True)


def render(form) -> str:
    return Template("{% load portal %}{% for f in form %}{{ f|filter_field }}{% endfor %}").render(
        Context({"form": form})
    )


def test_each_field_has_its_label_and_bootstrap_class():
    html = render(Filters())
    assert '<label for="id_q" class="form-label">Name &lt;or&gt; phone</label>' in html
    assert '<input type="text" name="q" class="form-control" id="id_q">' in html
    assert '<select name="standing" class="form-select" id="id_standing">' in html
    assert '<span class="asteriskField">*</span>' in html  # only `since` is required
    assert html.count("asteriskField") == 1


def test_an_invalid_value_is_marked_and_its_error_tied_to_the_control():
    form = Filters({"q": 'a"b', "standing": "nope", "since": ""})
    assert not form.is_valid()
    html = render(form)
    assert 'value="a&quot;b"' in html
    assert 'class="form-select is-invalid" aria-describedby="id_standing_error"' in html
    assert '<div id="id_standing_error" class="invalid-feedback"><p><strong>' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_q_error"' not in html
