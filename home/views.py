from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import is_street_staff
from branches.selectors import branch_overview_for_user
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
