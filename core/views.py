from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import check_broker, check_database, may_see_health_detail


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 or 503 for load balancers. Anonymous callers learn only which; staff and callers
    holding PORTAL_HEALTH_TOKEN also learn what is down and why."""
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
    if not may_see_health_detail(request, database_up=database_problem is None):
        body = {"status": body["status"]}
    return JsonResponse(body, status=503 if reasons else 200)


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("img/favicon.svg"), permanent=True)
