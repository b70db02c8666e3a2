from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessRecord
from accounts.services import record_access
from core.admin import HistoryAdmin, RevisionAdminMixin
from core.pagination import ListPaginator
from members.forms import MEMBER_FIELDS, MEMBER_HELP, MEMBER_LABELS, IdentityFromIdNumberMixin
from members.models import (
    Candidate,
    CandidateStep,
    DuesArrearsReason,
    DuesBase,
    DuesPayment,
    DuesRateBracket,
    DuesRateTable,
    Election,
    ElectionCandidate,
    FloatingCertificate,
    HomeOrganisation,
    Member,
    MemberDecision,
    Participation,
    PioneerPost,
    Transfer,
    TransferLetter,
    TransferStep,
)


@admin.register(HomeOrganisation)
class HomeOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact_name", "contact_phone")
    search_fields = ("name", "region")


# The member's page fits a laptop's screen (1280 pixels): the inlines are stacked, two or three
# fields to a line, rather than tables whose rows of searchable selects and date pickers ran
# past the right edge.


class ParticipationInline(admin.StackedInline):
    model = Participation
    extra = 0
    # 2,000 branches: a search box, not a select of every branch on every row.
    autocomplete_fields = ("branch", "party_group")
    fields = (("branch", "party_group"), ("joined_on", "left_on"), "leaving_reason")


class PioneerPostInline(admin.StackedInline):
    model = PioneerPost
    extra = 0
    autocomplete_fields = ("project",)
    fields = (("project", "kind"), "title", ("started_on", "ended_on"))


class MemberAdminForm(IdentityFromIdNumberMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS  # no date of birth or gender: read from the ID number
        labels = MEMBER_LABELS
        help_texts = MEMBER_HELP


@admin.register(Member)
class MemberAdmin(RevisionAdminMixin, HistoryAdmin):
    form = MemberAdminForm
    # Read from the ID number, not typed.
    readonly_fields = ("gender", "birth_date")
    list_display = ("name", "standing", "masked_phone", "masked_id_number", "relation_state")
    list_filter = ("standing", "is_floating", "relation_state", "employer_kind")
    search_fields = ("name", "phone", "id_number")
    # 100,000 rows: no full count under a filter; the default order name, id reads
    # member_name_id_idx.
    show_full_result_count = False
    paginator = ListPaginator  # the total of a big table counted once a minute
    inlines = [ParticipationInline, PioneerPostInline]
    fieldsets = (
        (None, {"fields": (("name", "gender"), ("id_number", "birth_date"), "phone")}),
        (_("Membership"), {"fields": (("standing", "joined_party_on", "full_member_on"),)}),
        (
            _("Employer"),
            {
                "fields": (
                    ("employer_kind", "employer_enterprise"),
                    ("employer_name", "job"),
                    ("is_floating", "floating_from"),
                )
            },
        ),
        (_("Organisational relation"), {"fields": (("relation_state", "home_organisation"),)}),
    )

    @admin.display(description=_("phone"))
    def masked_phone(self, member):
        return member.masked_phone

    @admin.display(description=_("ID number"))
    def masked_id_number(self, member):
        return member.masked_id_number

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


class ElectionCandidateInline(admin.TabularInline):
    model = ElectionCandidate
    extra = 0
    fields = ("member", "votes")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Votes are recorded in the portal, where who was entitled is worked out for the day and
    the rules are checked; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Election)
class ElectionAdmin(ReadOnlyRecordAdmin):
    list_display = ("branch", "held_on", "seats", "entitled_count", "present_count", "appointed_on")
    list_select_related = ("branch",)
    search_fields = ("branch__name",)
    date_hierarchy = "held_on"
    exclude = ("entitled", "present")
    inlines = [ElectionCandidateInline]


@admin.register(MemberDecision)
class MemberDecisionAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "branch",
        "held_on",
        "kind",
        "subject_name",
        "entitled_count",
        "present_count",
        "in_favour",
        "is_valid",
    )
    list_select_related = ("branch",)
    list_filter = ("kind", "is_valid")
    search_fields = ("branch__name", "subject_name")
    exclude = ("entitled", "present")


class CandidateStepInline(admin.TabularInline):
    model = CandidateStep
    extra = 0
    fields = ("happened_on", "kind", "person", "decision", "done_by", "note", "actor")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyRecordAdmin):
    """Recruiting is recorded in the portal, where each step's legal interval is checked; the
    admin shows the candidates and their steps."""

    list_display = (
        "name",
        "branch",
        "stage",
        "applied_on",
        "meeting_on",
        "probation_ends_on",
        "ended_on",
    )
    list_select_related = ("branch",)
    list_filter = ("stage", "end_reason")
    search_fields = ("name", "branch__name")
    date_hierarchy = "applied_on"
    exclude = ("id_number", "phone")
    readonly_fields = ("masked_id_number", "masked_phone")
    inlines = [CandidateStepInline]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, candidate):
        return candidate.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone(self, candidate):
        return candidate.masked_phone


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


@admin.register(TransferLetter)
class TransferLetterAdmin(HistoryAdmin):
    list_display = (
        "number",
        "member",
        "branch",
        "direction",
        "issued_on",
        "dues_paid_to",
        "valid_until",
        "receipt_due_on",
        "arrived_on",
        "receipt_on",
    )
    list_filter = ("direction",)
    search_fields = ("number", "member__name", "from_organisation", "to_organisation")
    list_select_related = ("member", "branch")
    autocomplete_fields = ("member", "branch", "transfer")
    readonly_fields = ("recorded_by",)
    date_hierarchy = "issued_on"


@admin.register(FloatingCertificate)
class FloatingCertificateAdmin(HistoryAdmin):
    list_display = ("number", "member", "issuing_organisation", "issued_on", "valid_until")
    search_fields = ("number", "member__name", "issuing_organisation")
    list_select_related = ("member",)
    autocomplete_fields = ("member",)
    readonly_fields = ("recorded_by",)
