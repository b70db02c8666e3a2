from django.contrib import admin

from activities.models import (
    ActivityKind,
    ActivityLog,
    ActivityPhoto,
    Attendance,
    Brand,
    Campaign,
    CampaignItem,
    Rule,
    Suggestion,
    SuggestionStep,
)
from core.admin import HistoryAdmin, RevisionAdminMixin
from core.pagination import ListPaginator


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "level",
        "frequency",
        "counts_as",
        "needs_lecturer",
        "is_active",
    )
    list_select_related = ("counts_as",)
    list_editable = ("frequency", "is_active")
    list_filter = ("frequency", "level", "is_active")
    ordering = ("order", "name")


class CampaignItemInline(admin.TabularInline):
    model = CampaignItem
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on")
    filter_horizontal = ("branches",)
    inlines = [CampaignItemInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("member",)


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    fields = ("image", "caption", "content_type", "width", "height")
    readonly_fields = ("content_type", "width", "height")

    def has_add_permission(self, request, obj=None):
        return False  # photos are checked by content when uploaded through the portal


@admin.register(ActivityLog)
class ActivityLogAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("title", "held_on", "kind", "branch", "party_group", "status")
    list_select_related = ("kind", "branch", "party_group")
    list_filter = ("status", "kind", "branch")
    search_fields = ("title", "content")
    # A million rows: no full count under the filters, and no date_hierarchy (its DISTINCT over
    # every date scans the table); the default order -held_on, -id reads activity_held_on_id_idx.
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    autocomplete_fields = ("branch", "party_group")
    readonly_fields = ("submitted_at", "submitted_by", "created_by", "created_at")
    inlines = [AttendanceInline, PhotoInline]


@admin.register(Brand)
class BrandAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "branch", "slogan")
    list_select_related = ("branch",)
    autocomplete_fields = ("branch",)


@admin.register(Rule)
class RuleAdmin(HistoryAdmin):
    list_display = ("title", "branch", "owner", "kind", "effective_on")
    list_select_related = ("branch",)
    autocomplete_fields = ("branch",)
    list_filter = ("owner", "kind", "branch")
    readonly_fields = ("document", "document_type")


class SuggestionStepInline(admin.TabularInline):
    model = SuggestionStep
    extra = 0
    readonly_fields = ("status", "happened_on", "note", "actor")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(HistoryAdmin):
    list_display = ("__str__", "project", "author", "status", "submitted_on")
    list_select_related = ("project",)
    autocomplete_fields = ("project", "branch", "working_group")
    list_filter = ("status", "project")
    readonly_fields = ("status", "reviewed_on", "implemented_on")
    inlines = [SuggestionStepInline]
