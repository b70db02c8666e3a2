from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import RevisionAdminMixin
from core.pagination import ListPaginator
from members.models import (
    HomeOrganisation,
    Member,
    Participation,
    PioneerPost,
    Transfer,
    TransferStep,
)


@admin.register(HomeOrganisation)
class HomeOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact_name", "contact_phone")
    search_fields = ("name", "region")


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    # 2,000 branches: a search box, not a select of every branch on every row.
    autocomplete_fields = ("branch", "party_group")


class PioneerPostInline(admin.TabularInline):
    model = PioneerPost
    extra = 0
    autocomplete_fields = ("project",)


@admin.register(Member)
class MemberAdmin(RevisionAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "standing", "masked_phone", "masked_id_number", "relation_state")
    list_filter = ("standing", "is_floating", "relation_state", "employer_kind")
    search_fields = ("name", "phone", "id_number")
    # 100,000 rows: no full count under a filter; the default order name, id reads
    # member_name_id_idx.
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    inlines = [ParticipationInline, PioneerPostInline]


class TransferStepInline(admin.TabularInline):
    model = TransferStep
    extra = 0
    readonly_fields = ("status", "happened_on", "note", "actor", "recorded_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # steps are recorded through the portal, which keeps the order


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("member", "to_branch", "status", "requested_on", "closed_on")
    list_select_related = ("member", "to_branch")
    autocomplete_fields = ("member", "to_branch")
    list_filter = ("status", "to_branch")
    search_fields = ("member__name",)
    readonly_fields = ("status", "closed_on")
    inlines = [TransferStepInline]
