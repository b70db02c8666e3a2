"""The endpoints of /api/v1/. Each list is its selector's queryset restricted by the access
module to the consumer's scope (accounts/access.py): a row of another branch is not in a list,
and its detail is a 404. Related rows are joined or counted in the same query, so a page costs
the same few queries however many rows it holds."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import restrict
from activities.compliance import branches_in_year, compliance_grid
from activities.models import ActivityLog, Attendance, Campaign, Suggestion
from api import serializers as s
from api.filters import MemberFilter, ParticipationFilter, filterset_for
from api.models import Consumer
from api.pagination import IdCursorPagination
from api.selectors import street_figures
from api.services import call_record
from assessments.models import Cycle, Result
from branches.models import Branch, PartyGroup, Seat
from members.models import Member, Participation, Transfer
from projects.models import Project


class RecordedMixin:
    """Every call of a consumer is recorded: one insert, after the answer is made."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.auth, Consumer):
            data = getattr(response, "data", None)
            if response.status_code >= 400:
                rows = 0
            elif isinstance(data, dict) and isinstance(data.get("results"), list):
                rows = len(data["results"])
            else:
                rows = 1
            call_record(
                consumer_id=request.auth.pk,
                endpoint=request.get_full_path(),
                status=response.status_code,
                rows=rows,
            )
        return response


class ScopedViewSet(RecordedMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail of one model, restricted to the consumer's scope."""

    branch_path: str
    queryset: QuerySet

    def base_queryset(self) -> QuerySet:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks for the model
            return self.queryset.none()
        return restrict(self.base_queryset(), self.request.user, branch_path=self.branch_path)

    def visible_branches(self) -> QuerySet[Branch]:
        return restrict(
            Branch.objects.only("pk", "project_id"), self.request.user, branch_path="id"
        )


def _listed(name: str, plural: str):
    return extend_schema_view(
        list=extend_schema(
            summary=plural,
            description=_(
                "Paged with a cursor in the order rows changed: follow `next` to the end, then "
                "keep the time of the call and pass it as `updated_since` next time."
            ),
        ),
        retrieve=extend_schema(summary=name),
    )


@_listed(_("Project"), _("Projects"))
class ProjectViewSet(ScopedViewSet):
    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    branch_path = "branches__id"
    filterset_class = filterset_for(
        Project, branch="branches__id", date="engineering_established_on"
    )

    def base_queryset(self):
        return Project.objects.select_related("community").prefetch_related(
            Prefetch("branches", queryset=self.visible_branches())
        )


@_listed(_("Branch"), _("Branches"))
class BranchViewSet(ScopedViewSet):
    queryset = Branch.objects.all()
    serializer_class = s.BranchSerializer
    branch_path = "id"
    filterset_class = filterset_for(Branch, branch="id", date="established_on")

    def base_queryset(self):
        return Branch.objects.select_related("project")


@_listed(_("Party group"), _("Party groups"))
class PartyGroupViewSet(ScopedViewSet):
    queryset = PartyGroup.objects.all()
    serializer_class = s.PartyGroupSerializer
    branch_path = "branch_id"
    filterset_class = filterset_for(PartyGroup, branch="branch_id", date="established_on")


@_listed(_("Seat"), _("Seats"))
class SeatViewSet(ScopedViewSet):
    queryset = Seat.objects.all()
    serializer_class = s.SeatSerializer
    branch_path = "branch_id"
    filterset_class = filterset_for(Seat, branch="branch_id", date="started_on")


@_listed(_("Member"), _("Members"))
class MemberViewSet(ScopedViewSet):
    queryset = Member.objects.all()
    serializer_class = s.MemberSerializer
    branch_path = "participations__branch_id"
    filterset_class = MemberFilter


@_listed(_("Participation"), _("Participations"))
class ParticipationViewSet(ScopedViewSet):
    queryset = Participation.objects.all()
    serializer_class = s.ParticipationSerializer
    branch_path = "branch_id"
    filterset_class = ParticipationFilter


@_listed(_("Transfer"), _("Transfers"))
class TransferViewSet(ScopedViewSet):
    queryset = Transfer.objects.all()
    serializer_class = s.TransferSerializer
    branch_path = "to_branch_id"
    filterset_class = filterset_for(Transfer, branch="to_branch_id", date="requested_on")


def _attendance_count(status: str) -> Coalesce:
    counted = (
        Attendance.objects.filter(log=OuterRef("pk"), status=status)
        .order_by()
        .values("log")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@_listed(_("Activity"), _("Activities"))
class ActivityLogViewSet(ScopedViewSet):
    """Submitted activity logs (drafts stay with their branch), with attendance counted."""

    queryset = ActivityLog.objects.all()
    serializer_class = s.ActivityLogSerializer
    branch_path = "branch_id"
    filterset_class = filterset_for(ActivityLog, branch="branch_id", date="held_on")

    def base_queryset(self):
        # Counted per row of the page (subqueries), not over the whole table before the LIMIT.
        return (
            ActivityLog.objects.filter(status=ActivityLog.Status.SUBMITTED)
            .select_related("kind")
            .annotate(
                present=_attendance_count(Attendance.Status.PRESENT),
                absent=_attendance_count(Attendance.Status.ABSENT),
                on_leave=_attendance_count(Attendance.Status.LEAVE),
            )
        )


@_listed(_("Campaign"), _("Campaigns"))
class CampaignViewSet(ScopedViewSet):
    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    branch_path = "branches__id"
    filterset_class = filterset_for(Campaign, branch="branches__id", date="starts_on")

    def base_queryset(self):
        # Only the participating branches the consumer sees are named.
        return Campaign.objects.prefetch_related(
            Prefetch("branches", queryset=self.visible_branches())
        )


@_listed(_("Suggestion"), _("Suggestions"))
class SuggestionViewSet(ScopedViewSet):
    queryset = Suggestion.objects.all()
    serializer_class = s.SuggestionSerializer
    branch_path = "branch_id"
    filterset_class = filterset_for(Suggestion, branch="branch_id", date="submitted_on")


@_listed(_("Assessment cycle"), _("Assessment cycles"))
class CycleViewSet(ScopedViewSet):
    queryset = Cycle.objects.all()
    serializer_class = s.CycleSerializer
    branch_path = "branches__id"
    filterset_class = filterset_for(Cycle, branch="branches__id", date="starts_on")

    def base_queryset(self):
        return Cycle.objects.prefetch_related(
            Prefetch("branches", queryset=self.visible_branches())
        )


@_listed(_("Published result"), _("Published results"))
class ResultViewSet(ScopedViewSet):
    """Results of the cycles whose results are published; nothing before."""

    queryset = Result.objects.all()
    serializer_class = s.ResultSerializer
    branch_path = "branch_id"
    filterset_class = filterset_for(Result, branch="branch_id", date="cycle__published_on")

    def base_queryset(self):
        return Result.objects.filter(cycle__status=Cycle.Status.PUBLISHED)


YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    description=_("The calendar year (this year by default)."),
)


def _year(request) -> int:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise exceptions.ValidationError({"year": [_("A year between 2000 and 2100.")]})
    return year


@extend_schema_view(
    list=extend_schema(
        summary=_("Compliance per branch and month"),
        description=_(
            "For each branch existing in the year, each month: whether the expected activities "
            "(三会一课 and the rest) were held. The same figures as the compliance grid."
        ),
        parameters=[YEAR],
    ),
    retrieve=extend_schema(summary=_("A branch's compliance per month"), parameters=[YEAR]),
)
class ComplianceViewSet(RecordedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ComplianceSerializer
    pagination_class = IdCursorPagination
    filterset_class = filterset_for(Branch, branch="id", date=None, updated=False)
    queryset = Branch.objects.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Branch.objects.none()
        return branches_in_year(user=self.request.user, year=_year(self.request)).order_by("pk")

    def _rows(self, branches: list[Branch]) -> list[dict]:
        year = _year(self.request)
        chosen = Branch.objects.filter(pk__in=[branch.pk for branch in branches])
        grid = {row.branch.pk: row for row in compliance_grid(year=year, branches=chosen)}
        return [
            {
                "branch": branch,
                "year": year,
                "rate": grid[branch.pk].rate,
                "cells": grid[branch.pk].cells,
            }
            for branch in branches
            if branch.pk in grid
        ]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self._rows(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        (row,) = self._rows([self.get_object()])
        return Response(self.get_serializer(row).data)


class WorkbenchView(RecordedMixin, APIView):
    """The street's figures, as on the workbench: for a consumer of the whole street."""

    @extend_schema(
        summary=_("The street's figures"),
        description=_(
            "The workbench's figures for today: projects covered by a branch, enterprises' Party "
            "organisations, members, activities. Only for a consumer of the whole street (403 "
            "otherwise). Kept for a minute: `computed_at` says when they were computed."
        ),
        responses=s.WorkbenchSerializer,
    )
    def get(self, request):
        if not request.auth.whole_street:
            raise exceptions.PermissionDenied(
                _("The street's figures are for a consumer of the whole street.")
            )
        data = street_figures(principal=request.user, today=timezone.localdate())
        return Response(s.WorkbenchSerializer(data).data)
