from accounts.access import is_street_staff
from core.navigation import available_sections


def navigation(request) -> dict:
    match = getattr(request, "resolver_match", None)
    return {
        "nav_sections": available_sections(),
        "nav_current": match.namespace if match else "",
        "user_is_street_staff": is_street_staff(request.user)
        if hasattr(request, "user")
        else False,
    }
