"""Form pieces shared by the apps."""

import datetime
import json
import uuid
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.services import EditConflict


class DateInput(forms.DateInput):
    """The browser's own date picker (a phone shows its native one)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose blank reads "All" (not "Unknown": nothing is unknown, the list is
    simply not narrowed)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]


def single_choice(field: forms.Field):
    """The one value a required select offers, or None when it offers none or several."""
    if isinstance(field, forms.ModelChoiceField):
        values = list(field.queryset.values_list("pk", flat=True)[:2])
    else:
        values = []
        for key, label in field.choices:
            group = label if isinstance(label, list | tuple) else [(key, label)]
            values += [value for value, _label in group if value not in ("", None)]
    return values[0] if len(values) == 1 else None


class PreselectSingleChoiceMixin:
    """A required select with a single option shows it chosen (a branch secretary's one branch,
    one project): nothing to pick when there is no choice to make."""

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        if (
            value in (None, "")
            and not self.is_bound
            and field.required
            and isinstance(field, forms.ChoiceField)
            and not isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField)
            and isinstance(field.widget, forms.Select)
            and not isinstance(field.widget, forms.SelectMultiple)
        ):
            only = single_choice(field)
            if only is not None:
                return only
        return value


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
    """Show a service's ValidationError on the form: on its field when the form has one; an
    edit conflict field by field on a form that can show it."""
    if isinstance(error, EditConflict) and isinstance(form, RenderedValuesMixin):
        form.show_conflict(error)
    elif hasattr(error, "error_dict"):
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
        if not chosen:
            return options
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


# Concurrent edits --------------------------------------------------------------------------------

RENDERED_SALT = "core.forms.rendered"
# Fields of the mixins themselves, never compared.
OWN_FIELDS = {"rendered", "revision", "submission_token"}
# Constructor arguments that are not rebuilt when the form is made again for the stored record.
NOT_REBUILT = {"data", "files", "initial", "prefix", "instance"}


class _ValuesSerializer(signing.JSONSerializer):
    """Dates, times and decimals as JSON strings (each field's to_python reads them back)."""

    def dumps(self, obj):
        return json.dumps(obj, separators=(",", ":"), cls=DjangoJSONEncoder).encode("latin-1")


def _plain(value):
    """A prepared form value as JSON has it: what a browser would send back, near enough."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def display_value(field: forms.Field, value) -> str:
    """A form value as a person reads it: a choice's label, a record's name, a date."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        keys = [item.pk if isinstance(item, Model) else item for item in value]
        records = field.queryset.model._base_manager.filter(pk__in=keys)
        return "、".join(sorted(str(record) for record in records)) or "—"
    if isinstance(field, forms.ModelChoiceField):
        if isinstance(value, Model):
            return str(value)
        record = field.queryset.model._base_manager.filter(pk=value).first()
        return str(record) if record is not None else str(value)
    if isinstance(field, forms.BooleanField):
        return str(_("yes") if field.to_python(value) else _("no"))
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        return str(labels.get(str(value), value))
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class ConflictRow:
    """One field someone else changed while the user was editing."""

    name: str
    label: str
    theirs: str
    yours: str
    kept_yours: bool  # the user changed it too: their own value stays in the form


class RenderedValuesMixin(forms.Form):
    """The form carries the values it was shown with (a signed hidden field), so that on saving
    it is known which fields the user changed, and which ones someone else changed meanwhile.

    On an EditConflict the form shows, field by field, what the other person saved next to what
    the user typed. The user's own changes stay in the form; fields the user did not touch take
    the other person's value; the form is then based on what is stored now, so saving again
    keeps both people's work."""

    rendered = forms.CharField(
        widget=forms.HiddenInput(attrs={"data-draft-keep": ""}), required=False
    )
    # The constructor argument that receives the stored record when the form is made again for
    # it (ScoreForm takes `scores`, TimelineForm `project`).
    current_argument = "instance"

    def __new__(cls, *args, **kwargs):
        # Remember the keyword arguments (branch=…, leaves=…) to build the same form again for
        # the record as it is stored now.
        form = super().__new__(cls)
        form._rebuild_kwargs = {k: v for k, v in kwargs.items() if k not in NOT_REBUILT}
        return form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.conflict_rows: list[ConflictRow] = []
        # Callable: computed when the form is rendered, once every field has been added.
        self.initial["rendered"] = self.signed_snapshot

    def clean(self):
        data = super().clean()
        # Bookkeeping of the form itself, not a value for the service.
        data.pop("rendered", None)
        return data

    def compared_fields(self) -> list[str]:
        return [
            name
            for name, field in self.fields.items()
            if name not in OWN_FIELDS and not isinstance(field, forms.FileField)
        ]

    def snapshot(self) -> dict:
        return {name: _plain(self[name].value()) for name in self.compared_fields()}

    def signed_snapshot(self) -> str:
        return signing.dumps(
            self.snapshot(), salt=RENDERED_SALT, serializer=_ValuesSerializer, compress=True
        )

    def rendered_values(self) -> dict | None:
        """The values the form was shown with; None when it was sent without them."""
        raw = self.data.get(self.add_prefix("rendered")) if self.is_bound else None
        if not raw:
            return None
        if getattr(self, "_rendered", (None, None))[0] != raw:
            try:
                self._rendered = (raw, signing.loads(raw, salt=RENDERED_SALT))
            except signing.BadSignature:
                self._rendered = (raw, None)
        return self._rendered[1]

    def shown_raw(self, name: str):
        """What field `name` held when the form was shown, as a browser would send it back. A
        form sent without its snapshot (a page from before) is compared with what is stored
        now."""
        rendered = self.rendered_values()
        if rendered is not None and name in rendered:
            return rendered[name]
        return _plain(self.fields[name].prepare_value(self[name].initial))

    def shown_value(self, name: str):
        """The Python value of field `name` when the form was shown."""
        raw = self.shown_raw(name)
        try:
            return self.fields[name].to_python(raw)
        except ValidationError:
            return raw

    def changed_by_user(self) -> list[str]:
        """The fields whose value the user changed from the one they were shown."""
        return [
            name
            for name in self.compared_fields()
            if self.fields[name].has_changed(self.shown_value(name), self[name].data)
        ]

    def form_for(self, current) -> forms.Form:
        """The same form, unbound, showing `current` (what is stored now)."""
        return type(self)(**{**self._rebuild_kwargs, self.current_argument: current})

    def show_conflict(self, conflict: EditConflict) -> None:
        stored = self.form_for(conflict.current)
        mine = set(self.changed_by_user())
        data = self.data.copy()
        rows = []
        for name in self.compared_fields():
            if name not in stored.fields:
                continue
            field = self.fields[name]
            theirs = stored[name].initial
            if not field.has_changed(theirs, self.shown_raw(name)):
                continue  # nobody else changed this field
            kept_yours = name in mine and field.has_changed(theirs, self[name].data)
            yours = self.cleaned_data.get(name, self[name].data)
            rows.append(
                ConflictRow(
                    name=name,
                    label=str(self[name].label),
                    theirs=display_value(field, theirs),
                    yours=display_value(field, yours),
                    kept_yours=kept_yours,
                )
            )
            if not kept_yours:
                self._put(data, name, stored[name].value())
        data[self.add_prefix("rendered")] = stored.signed_snapshot()
        self.rebase(data, conflict)
        self.data = data
        self.conflict = conflict
        self.conflict_rows = rows

    def rebase(self, data, conflict: EditConflict) -> None:
        """Base the form on what is stored now (a model form also takes its revision)."""

    def _put(self, data, name: str, value) -> None:
        """Put a prepared value into the form's data as a browser would have sent it."""
        key = self.add_prefix(name)
        value = _plain(value)
        if isinstance(self.fields[name].widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        elif isinstance(value, list):
            if hasattr(data, "setlist"):
                data.setlist(key, [str(item) for item in value])
            else:
                data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else str(value)


class RevisionFormMixin(RenderedValuesMixin):
    """A model form on a core.models.Revisioned record: it carries the revision it was shown
    with, and the service's save_revision refuses a save based on an older one. A form sent
    without a revision (opened before revisions existed) is treated as out of date."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput(attrs={"data-draft-keep": ""}), required=False, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.based_on = None
        if self.instance.pk is not None:
            self.initial["revision"] = self.instance.revision

    def clean(self):
        data = super().clean()
        self.based_on = data.pop("revision", None)
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk is not None:
            self.instance.revision = self.based_on or 0

    def rebase(self, data, conflict: EditConflict) -> None:
        data[self.add_prefix("revision")] = str(conflict.current.revision)
