from django.contrib import admin

from branches.models import Archive, Branch, PartyCommittee, PartyGroup, Seat, Term
from core.admin import HistoryAdmin, RevisionAdminMixin


@admin.register(PartyCommittee)
class PartyCommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "working_committee", "secretary_name", "established_on")


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ("user",)


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    fields = ("name", "working_group", "leader_name", "established_on", "dissolved_on")


@admin.register(Branch)
class BranchAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "project", "established_on", "status", "closed_on")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    list_filter = ("status",)
    search_fields = ("name", "project__name")
    inlines = [SeatInline, PartyGroupInline]


@admin.register(Seat)
class SeatAdmin(HistoryAdmin):
    list_display = ("holder_name", "kind", "branch", "origin", "started_on", "ended_on", "user")
    list_select_related = ("branch", "user")
    list_filter = ("kind", "origin", "branch")
    search_fields = ("holder_name", "user__username")
    autocomplete_fields = ("user", "branch")


@admin.register(PartyGroup)
class PartyGroupAdmin(RevisionAdminMixin, HistoryAdmin):
    list_display = ("name", "branch", "working_group", "leader_name", "established_on")
    list_select_related = ("branch", "working_group")
    autocomplete_fields = ("branch", "working_group")
    list_filter = ("branch",)
    search_fields = ("name", "leader_name")


@admin.register(Archive)
class ArchiveAdmin(admin.ModelAdmin):
    list_display = ("branch", "status", "progress", "requested_at", "finished_at", "size")
    list_select_related = ("branch",)
    list_filter = ("status",)
    readonly_fields = [f.name for f in Archive._meta.fields]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """Read only: a term is opened in the portal (an election appointed, or the current term
    recorded), where its end date is worked out and the rules checked."""

    list_display = ("branch", "started_on", "years", "ends_on")
    list_select_related = ("branch",)
    list_filter = ("years",)
    search_fields = ("branch__name",)
    date_hierarchy = "ends_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
