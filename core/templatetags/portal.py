from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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
