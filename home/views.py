from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import is_street_staff
from accounts.services import (
    calendar_feed_issue,
    calendar_feed_of,
    calendar_feed_revoke,
    calendar_feed_user,
)
from branches.selectors import branch_overview_for_user
from home import calendar
from home.dashboard import Scope, secretary_home, street_workbench
from home.forms import WorkbenchFilter


@require_GET
def home(request):
    """The street's workbench for street staff; what is due for a secretary's branch."""
    today = timezone.localdate()
    if is_street_staff(request.user):
        narrow = WorkbenchFilter(request.GET or None)
        chosen, streets, communities = narrow.resolve()
        scope = Scope(**chosen)
        return render(
            request,
            "home/home_street.html",
            {
                "workbench": street_workbench(user=request.user, today=today, scope=scope),
                "narrow": narrow,
                "streets": streets,
                "communities": communities,
                "today": today,
            },
        )
    overview = branch_overview_for_user(user=request.user)
    return render(
        request,
        "home/home_secretary.html",
        {
            "overview": overview,
            "homes": [
                secretary_home(user=request.user, branch=branch, today=today)
                for branch in overview["branches"]
            ],
        },
    )


_NEW_FEED = "calendar_feed_new_url"


@require_http_methods(["GET", "POST"])
def calendar_subscription(request):
    """The user's calendar address: made (shown once), made anew, or revoked."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = calendar_feed_issue(user=request.user)
            path = reverse("home:calendar_feed", args=[token])
            # The address the user is on (what their phone reaches), not PORTAL_BASE_URL.
            request.session[_NEW_FEED] = request.build_absolute_uri(path)
            messages.success(
                request, _("A new calendar address was made; any earlier one no longer works.")
            )
        elif action == "revoke":
            if calendar_feed_revoke(user=request.user):
                messages.success(request, _("The calendar address was revoked."))
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        return redirect("home:calendar")
    feed = calendar_feed_of(user=request.user)
    new_url = request.session.pop(_NEW_FEED, None)
    return render(
        request,
        "home/calendar.html",
        {
            "feed": feed,
            "new_url": new_url,
            # webcal:// opens the phone's calendar app on the subscription.
            "new_webcal_url": new_url and "webcal" + new_url[new_url.index(":") :],
            "past_days": calendar.PAST,
            "ahead_days": calendar.AHEAD,
        },
    )


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The iCalendar file: opened by the token alone (a calendar app cannot log in)."""
    user = calendar_feed_user(token=token)
    if user is None:
        raise Http404
    with translation.override(settings.LANGUAGE_CODE):
        body = calendar.feed_for(user=user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
