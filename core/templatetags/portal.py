from decimal import ROUND_HALF_UP, Decimal

from django import forms, template
from django.template import engines
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.pagination import ListPage, is_filtered

register = template.Library()

HUNDRED_MILLION = Decimal(100_000_000)


@register.filter
def yi_yuan(amount: Decimal | None) -> str:
    """An investment in yuan, shown the way the report counts it: in units of 亿 (10⁸ yuan)."""
    if amount is None:
        return ""
    value = (Decimal(amount) / HUNDRED_MILLION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _("%(amount)s hundred million yuan") % {"amount": number_format(value, 2)}


@register.filter
def days(duration) -> int | None:
    """A duration (a lead time, a gap between two dates) in whole days."""
    return None if duration is None else duration.days


@register.simple_tag(takes_context=True)
def rows(context, template_name: str, **values) -> str:
    """The rows of a long list, written by a Jinja2 template (core/jinja_env.py) from the values
    named here: `{% rows "members/_member_rows.jinja" members=page.object_list %}`."""
    template = engines["jinja2"].get_template(template_name)
    return mark_safe(template.render(values, request=context.get("request")))  # noqa: S308


@register.simple_tag(takes_context=True)
def page_query(context, page, which: str) -> str:
    """The query string of a list's "first", "previous", "next" or "last" page: the list's other
    parameters (its filters) kept, the page's own position parameters replaced."""
    params = context.request.GET.copy()
    if not hasattr(page, "link"):  # a plain Django page, by number
        page = ListPage(page.object_list, page.number, page.paginator)
    for name in (page.param, *page.cursor_params):
        params.pop(name, None)
    for name, value in page.link(which).items():
        params[name] = value
    return f"?{params.urlencode()}"


@register.filter
def narrows(query) -> bool:
    """A list's query string holds a filter (not just its page): the filters are shown open."""
    return is_filtered(query)


@register.filter
def filter_field(field: forms.BoundField) -> str:
    """A field of a list's filter bar in Bootstrap's markup, as crispy's `as_crispy_field` writes
    it, without crispy's template: a list page shows up to nine of these on every request."""
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    else:
        css = "form-control"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    error_id = f"{field.auto_id}_error"
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-describedby"] = error_id
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}" class="invalid-feedback">{}</div>',
            error_id,
            format_html_join("", "<p><strong>{}</strong></p>", ((e,) for e in field.errors)),
        )
    required = mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}{}</label>{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        required,
        field.as_widget(attrs=attrs),
        errors,
    )
