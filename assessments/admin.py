from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.channels import channel_label
from assessments.models import (
    Criterion,
    Cycle,
    Delivery,
    DeploymentTask,
    Inspection,
    Notification,
    Result,
    RuleVersion,
    Score,
)
from core.admin import HistoryAdmin, RevisionAdminMixin
from core.pagination import ListPaginator


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = (
        "code", "parent", "title", "category", "max_score", "method", "metric", "highest_only",
        "evidence_needed", "description", "order",
    )  # fmt: skip

    def has_change_permission(self, request, obj=None):
        # A published version is frozen: changes make a new version.
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)


@admin.register(RuleVersion)
class RuleVersionAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "year", "status", "published_on", "party_weight", "construction_weight")
    readonly_fields = ("status", "published_on", "based_on")
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_frozen:
            return [f.name for f in RuleVersion._meta.fields]
        return self.readonly_fields


class TaskInline(admin.TabularInline):
    model = DeploymentTask
    extra = 0


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0


@admin.register(Cycle)
class CycleAdmin(HistoryAdmin):
    list_display = ("name", "version", "status", "starts_on", "ends_on", "published_on")
    list_select_related = ("version",)
    list_filter = ("status",)
    filter_horizontal = ("branches",)
    readonly_fields = ("status", "published_on")
    inlines = [TaskInline, InspectionInline]


@admin.register(Score)
class ScoreAdmin(HistoryAdmin):
    list_display = ("cycle", "branch", "criterion", "self_score", "committee_score")
    list_select_related = ("cycle", "branch", "criterion")
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    autocomplete_fields = ("branch",)
    list_filter = ("cycle", "branch")


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("cycle", "rank", "branch", "total", "grade", "vetoed")
    list_select_related = ("cycle", "branch")
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    # A cycle's ranking, read from result_cycle_rank_idx (the model's own order sorts by the
    # branch's name through a join, over every result).
    ordering = ("cycle", "rank", "pk")
    list_filter = ("cycle", "grade")

    def has_change_permission(self, request, obj=None):
        return False  # published results are frozen


class ChannelLabelMixin:
    @admin.display(description=_("channel"), ordering="channel")
    def channel_label(self, delivery):
        return channel_label(delivery.channel)


class DeliveryInline(ChannelLabelMixin, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = readonly_fields = (
        "channel_label", "status", "attempts", "last_attempt_at", "next_attempt_at", "last_error",
        "sent_at",
    )  # fmt: skip
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "event_label", "stage_label", "created_at")
    list_filter = ("deliveries__status",)
    list_select_related = ("recipient",)
    # One row per reminder and user: no full count; the default order -created_at, -id reads
    # notification_created_id_idx.
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    search_fields = ("title", "recipient__username", "key")
    fields = (
        "recipient",
        "title",
        "body",
        "event_label",
        "stage_label",
        "url",
        "created_at",
        "read_at",
    )
    readonly_fields = fields
    inlines = [DeliveryInline]

    # The reminder's kind and moment are codes in the table (its unique key is made of them).
    EVENTS = {
        "phase_deadline": _("Deadline of a phase of the cycle"),
        "task_due": _("Deployment task due"),
        "rectification_due": _("Rectification due"),
        "coordination_overdue": _("Coordination item overdue"),
        "activities_missing": _("Activities missing in a month"),
    }
    STAGES = {
        "7d": _("7 days before"),
        "1d": _("1 day before"),
        "overdue": _("Overdue"),
        "missing": _("Missing"),
    }

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, notification):
        return self.EVENTS.get(notification.event, notification.event)

    @admin.display(description=_("stage"), ordering="stage")
    def stage_label(self, notification):
        return self.STAGES.get(notification.stage, notification.stage)


@admin.register(Delivery)
class DeliveryAdmin(ChannelLabelMixin, admin.ModelAdmin):
    """Read-only: staff resend from the portal's page of undelivered reminders."""

    list_display = (
        "notification", "channel_label", "status", "attempts", "last_attempt_at", "next_attempt_at",
    )  # fmt: skip
    list_filter = ("status",)
    list_select_related = ("notification",)
    search_fields = ("notification__title", "notification__recipient__username")
    fields = readonly_fields = [
        "channel_label" if f.name == "channel" else f.name
        for f in Delivery._meta.fields
        if f.name != "id"
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
