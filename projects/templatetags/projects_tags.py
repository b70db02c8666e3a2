"""Template tags about projects: the state of a synchronisation and the name of a stage."""

from django import template

from projects.models import Stage
from projects.selectors import SyncState

register = template.Library()


SYNC_BADGE_CLASSES = {
    "in_step": "text-bg-success",
    "out_of_step": "text-bg-danger",
    "pending": "text-bg-secondary",
    "unknown": "text-bg-light border",
}


@register.inclusion_tag("projects/_sync_badge.html")
def sync_badge(state: str | None):
    state = state or SyncState.UNKNOWN
    return {"label": SyncState(state).label, "css": SYNC_BADGE_CLASSES[state]}


@register.filter
def stage_label(value: str | None) -> str:
    return Stage(value).label if value else ""
