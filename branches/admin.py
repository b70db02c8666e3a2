from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.models import Branch, PartyCommittee, Seat


@admin.register(PartyCommittee)
class PartyCommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "working_committee", "secretary_name", "established_on")


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Branch)
class BranchAdmin(SimpleHistoryAdmin):
    list_display = ("name", "project", "established_on", "status")
    list_filter = ("status",)
    search_fields = ("name", "project__name")
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ("holder_name", "kind", "branch", "origin", "started_on", "ended_on", "user")
    list_filter = ("kind", "origin", "branch")
    search_fields = ("holder_name", "user__username")
    autocomplete_fields = ("user",)
