from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.pagination import ListPage

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
