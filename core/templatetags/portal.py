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


SYNC_BADGE_CLASSES = {
    "in_step": "text-bg-success",
    "out_of_step": "text-bg-danger",
    "pending": "text-bg-secondary",
    "unknown": "text-bg-light border",
}


@register.inclusion_tag("_sync_badge.html")
def sync_badge(state: str | None):
    from projects.selectors import SyncState

    state = state or SyncState.UNKNOWN
    return {"label": SyncState(state).label, "css": SYNC_BADGE_CLASSES[state]}


@register.filter
def days(duration) -> int | None:
    """A duration (a lead time, a gap between two dates) in whole days."""
    return None if duration is None else duration.days


@register.filter
def stage_label(value: str | None) -> str:
    from projects.models import Stage

    return Stage(value).label if value else ""
