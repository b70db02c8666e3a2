from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Community, Enterprise, Project, ProjectEnterprise, Street


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
    list_filter = ("street",)
    search_fields = ("name",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "party_org_status", "party_contact_name", "party_contact_phone")
    list_filter = ("party_org_status",)
    search_fields = ("name", "party_contact_name")


class ProjectEnterpriseInline(admin.TabularInline):
    model = ProjectEnterprise
    extra = 0
    autocomplete_fields = ("enterprise",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "community", "category", "is_key_project", "total_investment")
    list_filter = ("category", "is_key_project", "community")
    search_fields = ("name",)
    inlines = [ProjectEnterpriseInline]
