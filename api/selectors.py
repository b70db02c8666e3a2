"""The workbench's figures as the API gives them (the same selectors as the workbench)."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from branches.selectors import coverage_for_street
from home.dashboard import activity_figures, member_figures


def street_figures(*, principal, today: datetime.date) -> dict:
    """The whole street's figures for a consumer of the whole street. At city scale they take
    seconds: like the workbench's, they are kept PORTAL_WORKBENCH_CACHE_SECONDS (the answer
    says when they were computed)."""
    seconds = settings.PORTAL_WORKBENCH_CACHE_SECONDS
    key = f"api-workbench:{today.isoformat()}"
    figures = cache.get(key) if seconds else None
    if figures is None:
        coverage = coverage_for_street()
        activity = activity_figures(user=principal, today=today)
        figures = {
            "on": today,
            "computed_at": timezone.now(),
            "projects": coverage["projects"],
            "enterprises": coverage["enterprises"],
            "members": member_figures(),
            "activities": {
                name: activity[name]
                for name in ("branch_count", "behind", "month_total", "year_total")
            },
        }
        if seconds:
            cache.set(key, figures, seconds)
    return figures
