from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import is_street_staff
from branches.selectors import branch_overview_for_user
from core.dashboard import secretary_home, street_workbench
from core.health import check_broker, check_database


@require_GET
def home(request):
    """The street's workbench for street staff; what is due for a secretary's branch."""
    today = timezone.localdate()
    if is_street_staff(request.user):
        return render(
            request,
            "core/home_street.html",
            {"workbench": street_workbench(user=request.user, today=today), "today": today},
        )
    overview = branch_overview_for_user(user=request.user)
    return render(
        request,
        "core/home_secretary.html",
        {
            "overview": overview,
            "homes": [
                secretary_home(user=request.user, branch=branch, today=today)
                for branch in overview["branches"]
            ],
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    database_problem = check_database()
    broker_problem = check_broker()
    if not settings.CELERY_BROKER_URL:
        broker_state = "not configured (tasks run eagerly)"
    else:
        broker_state = "down" if broker_problem else "ok"
    reasons = [p for p in (database_problem, broker_problem) if p]
    body = {
        "status": "unavailable" if reasons else "ok",
        "database": "down" if database_problem else "ok",
        "broker": broker_state,
    }
    if reasons:
        body["reasons"] = reasons
    return JsonResponse(body, status=503 if reasons else 200)


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("img/favicon.svg"), permanent=True)
