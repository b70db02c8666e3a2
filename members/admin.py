from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccessRecord
from accounts.services import record_access
from core.admin import RevisionAdminMixin
from core.pagination import ListPaginator
from members.models import (
    DuesArrearsReason,
    DuesBase,
    DuesPayment,
    DuesRateBracket,
    DuesRateTable,
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The admin's form shows the full ID number and phone: opening it is a view of them,
        recorded in the access log."""
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_view(request, response, detail="admin")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version of the member, full numbers included: recorded the same way."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        version = Member.history.filter(pk=unquote(object_id), history_id=version_id).first()
        member = version.instance if version is not None else None
        self._record_view(request, response, member, detail=f"admin, version {version_id}")
        return response

    @staticmethod
    def _record_view(request, response, member=None, *, detail: str) -> None:
        if member is None:
            member = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and response.status_code == 200 and member is not None:
            record_access(
                request=request,
                action=AccessRecord.Action.VIEW_PERSONAL_DATA,
                obj=member,
                detail=detail,
            )


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


# Party dues ------------------------------------------------------------------------------------


class DuesRateBracketInline(admin.TabularInline):
    model = DuesRateBracket
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.effective_from > timezone.localdate()

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(DuesRateTable)
class DuesRateTableAdmin(admin.ModelAdmin):
    """Rates in force are frozen, as published assessment rules are: a change of rates is a new
    table with its effective date (amounts of the months before it keep the old rates)."""

    list_display = ("name", "effective_from", "low_income_amount", "farmer_minimum")
    inlines = [DuesRateBracketInline]

    def has_change_permission(self, request, obj=None):
        in_force = obj is not None and obj.effective_from <= timezone.localdate()
        return not in_force and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        in_force = obj is not None and obj.effective_from <= timezone.localdate()
        return not in_force and super().has_delete_permission(request, obj)


@admin.register(DuesBase)
class DuesBaseAdmin(admin.ModelAdmin):
    list_display = ("member", "category", "pay", "flat_amount", "effective_from", "recorded_by")
    list_filter = ("category",)
    search_fields = ("member__name",)
    list_select_related = ("member", "recorded_by")
    autocomplete_fields = ("member",)
    readonly_fields = ("recorded_by",)


@admin.register(DuesPayment)
class DuesPaymentAdmin(admin.ModelAdmin):
    list_display = ("member", "branch", "month", "amount", "paid_on", "recorded_by")
    list_filter = ("month",)
    search_fields = ("member__name", "branch__name")
    list_select_related = ("member", "branch", "recorded_by")
    autocomplete_fields = ("member", "branch")
    readonly_fields = ("collection", "recorded_by")
    date_hierarchy = "month"


@admin.register(DuesArrearsReason)
class DuesArrearsReasonAdmin(admin.ModelAdmin):
    list_display = ("member", "reason", "recorded_on", "recorded_by")
    search_fields = ("member__name",)
    list_select_related = ("member", "recorded_by")
    autocomplete_fields = ("member",)
    readonly_fields = ("recorded_by",)
