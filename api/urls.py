"""/api/v1/: the endpoints, the OpenAPI document and its browsable description (staff)."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.routers import SimpleRouter

from api import views
from api.authentication import ConsumerTokenAuthentication
from api.permissions import IsConsumerOrStaff, IsStreetStaff

app_name = "api"

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("branches", views.BranchViewSet, basename="branch")
router.register("party-groups", views.PartyGroupViewSet, basename="party-group")
router.register("seats", views.SeatViewSet, basename="seat")
router.register("members", views.MemberViewSet, basename="member")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register("activities", views.ActivityLogViewSet, basename="activity")
router.register("compliance", views.ComplianceViewSet, basename="compliance")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("results", views.ResultViewSet, basename="result")

schema_view = SpectacularAPIView.as_view(
    authentication_classes=[ConsumerTokenAuthentication, SessionAuthentication],
    permission_classes=[IsConsumerOrStaff],
    throttle_classes=[],
)
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema",
    authentication_classes=[SessionAuthentication],
    permission_classes=[IsStreetStaff],
    throttle_classes=[],
)

urlpatterns = [
    *router.urls,
    path("workbench/", views.WorkbenchView.as_view(), name="workbench"),
    path("schema/", schema_view, name="schema"),
    # The browsable description is a page of the portal: staff log in as usual.
    # DRF marks its views as needing no log-in (it authenticates itself): login_required sends
    # an anonymous visitor to the log-in page like any other page.
    path("docs/", login_required(docs_view), name="docs"),
]

# The API answers to tokens, not to the portal's log-in (LoginRequiredMiddleware).
for pattern in urlpatterns:
    if pattern.name != "docs":
        login_not_required(pattern.callback)
