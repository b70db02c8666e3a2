"""Form pieces shared by the apps."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's own date picker (a phone shows its native one)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SubmissionTokenMixin(forms.Form):
    """A hidden token, fixed when the form is first shown: sending the same form twice (a double
    tap, a resend on a weak signal) creates one record, not two."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class EndDateForm(forms.Form):
    """The date something ends (a seat, an appointment, a membership)."""

    on = forms.DateField(label=_("date"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["on"].label = label


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


class OptionsOnDemandSelect(forms.Select):
    """A select of a filter whose choices run to thousands (2,000 branches, their Party groups):
    the page carries only the blank and the chosen option; the others are fetched from the same
    list page (`?_options=<field>`, answered by `options_on_demand`) when the pointer or the
    focus first reaches the select."""

    def __init__(self, *, options_url: str, queryset, attrs=None):
        super().__init__(
            attrs={
                **(attrs or {}),
                "hx-get": options_url,
                "hx-trigger": "mouseenter once, focus once",
                "hx-swap": "innerHTML",
            }
        )
        self.queryset = queryset

    def optgroups(self, name, value, attrs=None):
        chosen = []
        for item in value:
            try:
                chosen.append(int(item))
            except (TypeError, ValueError):
                continue
        options = [(None, [self.create_option(name, "", "---------", not chosen, 0)], 0)]
        for index, row in enumerate(self.queryset.filter(pk__in=chosen), start=1):
            options.append((None, [self.create_option(name, row.pk, str(row), True, index)], index))
        return options


class OptionsOnDemandMixin:
    """For a FilterSet: the fields named in `options_on_demand` show an `OptionsOnDemandSelect`.
    The list view answers the select's request first: `if answer := options_on_demand(request,
    the_filter): return answer`."""

    options_on_demand: tuple[str, ...] = ()

    @property
    def form(self):
        form = super().form
        if self.request is not None and not getattr(form, "_options_on_demand", False):
            for name in self.options_on_demand:
                params = self.request.GET.copy()
                params["_options"] = name
                field = form.fields[name]
                field.widget = OptionsOnDemandSelect(
                    options_url=f"{self.request.path}?{params.urlencode()}",
                    queryset=field.queryset,
                    attrs=field.widget.attrs,
                )
            form._options_on_demand = True
        return form


def options_on_demand(request, filterset) -> HttpResponse | None:
    """The options of a filter's select, when the page's select asks for them (every choice the
    user may see, the chosen one marked); None for the page itself."""
    name = request.GET.get("_options")
    if name not in getattr(filterset, "options_on_demand", ()):
        return None
    field = filterset.form.fields[name]
    chosen = set(request.GET.getlist(name))
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) in chosen else "", label)
            for value, label in field.choices
        ),
    )
    return HttpResponse(options)
