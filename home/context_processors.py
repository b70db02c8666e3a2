from accounts.access import is_street_staff
from assessments.selectors import unread_count
from core.navigation import available_sections


def navigation(request) -> dict:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = unread_count(user)
    return {
        "unread_reminders": unread,
        "nav_sections": available_sections(),
        "nav_current": match.namespace if match else "",
        "user_is_street_staff": is_street_staff(request.user)
        if hasattr(request, "user")
        else False,
    }
