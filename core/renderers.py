"""The form renderer of the portal: Django's, with the plain widgets written in Python.

A select of a filter bar rendered through Django's widget templates costs a template include per
option, and a list page carries up to nine of them: at city scale that was most of a list page's
time (docs/benchmarks.md). The inputs, selects and text areas below produce, character for
character, what Django's own templates `django/forms/widgets/*.html` produce (a test compares
them); any other template, or a widget whose options use a template of their own, goes to the
templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"


def _as_text(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as a string, escaped unless already safe."""
    if isinstance(value, SafeData):
        return str(value)
    return conditional_escape(str(value))


def _shown(value) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_as_text(value)}"')
    return "".join(parts)


def render_input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_as_text(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def render_select(widget: dict) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_textarea(widget: dict) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    start = f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>'
    return f"{start}\n{value}</textarea>"


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            html = None
            if template_name in INPUT_TEMPLATES:
                html = render_input(widget)
            elif template_name == SELECT_TEMPLATE:
                html = render_select(widget)
            elif template_name == TEXTAREA_TEMPLATE:
                html = render_textarea(widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request)
