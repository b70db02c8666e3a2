from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from core.views import favicon, healthz
from home.metrics import metrics

admin.site.site_header = _("Project Party-Building Portal · administration")
admin.site.site_title = _("Project Party-Building Portal")
admin.site.index_title = _("Committee administration")

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/", include("accounts.urls")),
    path("projects/", include("projects.urls")),
    path("branches/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
    # The read API for the district's platforms (a consumer's token; api/).
    path("api/v1/", include("api.urls")),
    path("healthz", healthz, name="healthz"),
    # Prometheus, for operators with the token (PORTAL_METRICS_TOKEN); 404 to everyone else.
    path("metrics", metrics, name="metrics"),
    # Browsers ask for /favicon.ico on pages that name none (the admin's).
    path("favicon.ico", favicon, name="favicon"),
    # Switching the language is allowed before log-in, so the log-in page can be read in English.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
