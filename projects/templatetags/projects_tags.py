"""Template tags about projects: the state of a synchronisation and the name of a stage."""

from django import template
from django.utils.html import format_html

from projects.models import Stage
from projects.selectors import SyncState

register = template.Library()


SYNC_BADGE_CLASSES = {
    "in_step": "text-bg-success",
    "out_of_step": "text-bg-danger",
    "pending": "text-bg-secondary",
    "unknown": "text-bg-light border",
}


@register.filter
def sync_badge(state: str | None) -> str:
    """The state of a synchronisation as a badge (also a filter of the row templates)."""
    state = state or SyncState.UNKNOWN
    return format_html(
        '<span class="badge {}">{}</span>', SYNC_BADGE_CLASSES[state], SyncState(state).label
    )


@register.filter
def stage_label(value: str | None) -> str:
    return Stage(value).label if value else ""
