from django.contrib import admin

from core.admin import HistoryAdmin, RevisionAdminMixin
from projects.models import (
    STAGE_SEQUENCE,
    Community,
    CoordinationEvent,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    ProjectStage,
    Street,
    WorkingGroup,
    WorkingGroupMember,
)


class CommunityInline(admin.TabularInline):
    model = Community
    extra = 0


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "area_km2", "population")
    inlines = [CommunityInline]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "street")
    list_select_related = ("street",)
    list_filter = ("street",)
    search_fields = ("name",)


@admin.register(Enterprise)
class EnterpriseAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "party_org_status", "party_contact_name", "party_contact_phone")
    list_filter = ("party_org_status",)
    search_fields = ("name", "party_contact_name")


class ProjectEnterpriseInline(admin.TabularInline):
    model = ProjectEnterprise
    extra = 0
    autocomplete_fields = ("enterprise",)


class ProjectManagerInline(admin.TabularInline):
    model = ProjectManager
    extra = 0
    autocomplete_fields = ("enterprise",)


class ProjectStageInline(admin.TabularInline):
    model = ProjectStage
    extra = 0
    fields = ("stage", "planned_on", "actual_on")


@admin.register(Project)
class ProjectAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "community", "category", "is_key_project", "total_investment")
    list_select_related = ("community",)
    list_filter = ("category", "is_key_project", "community")
    search_fields = ("name",)
    inlines = [ProjectEnterpriseInline, ProjectManagerInline, ProjectStageInline]

    def save_formset(self, request, form, formset, change):
        # A stage's position comes from the stage itself.
        for obj in formset.save(commit=False):
            if isinstance(obj, ProjectStage):
                obj.sequence = STAGE_SEQUENCE[obj.stage]
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "project", "kind", "leader_name", "established_on", "dissolved_on")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    list_filter = ("kind", "project")
    search_fields = ("name", "project__name", "leader_name")
    inlines = [WorkingGroupMemberInline]


class CoordinationEventInline(admin.TabularInline):
    model = CoordinationEvent
    extra = 0
    readonly_fields = ("status", "happened_on", "note", "actor", "recorded_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # steps are recorded through the portal, which keeps the status in step


@admin.register(CoordinationItem)
class CoordinationItemAdmin(HistoryAdmin):
    list_display = ("title", "project", "status", "raised_on", "due_on", "resolved_on")
    list_select_related = ("project",)
    autocomplete_fields = ("project", "branch", "working_group", "owner_party_group")
    list_filter = ("status", "project")
    search_fields = ("title", "description", "raised_by", "owner_person")
    readonly_fields = ("status", "resolved_on", "escalated_on", "created_by", "created_at")
    inlines = [CoordinationEventInline]
