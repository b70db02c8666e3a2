from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from assessments import robots
from assessments.channels import channel_label
from assessments.models import (
    Criterion,
    Cycle,
    Delivery,
    DeploymentTask,
    Inspection,
    Notification,
    ReminderChannel,
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
        "term_ending": _("Committee term ending"),
        "dues_review": _("Yearly review of the dues bases"),
        "dues_arrears": _("Dues six months behind"),
        "letter_validity": _("Transfer letter's validity"),
        "receipt_due": _("Transfer letter's receipt due"),
        "floating_away": _("Floating member away six months or more"),
        "recruiting_talk_due": _("Talk with an applicant due"),
        "recruiting_approval_due": _("Approval of an admission due"),
        "recruiting_probation_ending": _("Probation ending"),
        "recruiting_full_approval_due": _("Approval of a full membership due"),
    }
    STAGES = {
        "7d": _("7 days before"),
        "1d": _("1 day before"),
        "overdue": _("Overdue"),
        "missing": _("Missing"),
        "6m": _("6 months before"),
        "1m": _("1 month before"),
        "expired": _("Expired"),
        "review": _("Due for review"),
        "flagged": _("Flagged"),
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
    search_fields = ("notification__title", "notification__recipient__username", "robot__name")
    fields = readonly_fields = [
        "channel_label" if f.name == "channel" else f.name
        for f in Delivery._meta.fields
        if f.name != "id"
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def masked(value: str) -> str:
    """Enough of a credential to tell two apart, never enough to use: the last four characters
    (and, for an address, its host)."""
    if not value:
        return ""
    host = urlsplit(value).hostname if "://" in value else None
    return f"{host + '/' if host else ''}…{value[-4:]}"


class ReminderChannelForm(forms.ModelForm):
    """The address and the secret are written, never shown back: left empty on a change, the
    stored ones are kept."""

    url = forms.URLField(
        label=_("webhook address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "The robot's webhook address, as WeCom or DingTalk shows it (it holds the robot's "
            "key), or the address that receives the webhook."
        ),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "DingTalk: the robot's signing secret (加签, begins with SEC). Webhook: a secret of "
            "your choice, at least 16 characters, given to the receiver. WeCom: none."
        ),
    )

    class Meta:
        model = ReminderChannel
        fields = ("kind", "name", "branch", "user", "url", "secret", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("url", "secret"):
                stored = getattr(self.instance, name)
                if stored:
                    self.fields[name].help_text = _(
                        "Stored: %(masked)s. Leave empty to keep it."
                    ) % {"masked": masked(stored)}

    def clean_url(self) -> str:
        value = self.cleaned_data["url"] or (self.instance.url if self.instance.pk else "")
        if not value:
            raise forms.ValidationError(_("Enter the address."))
        if urlsplit(value).scheme not in ("http", "https"):
            raise forms.ValidationError(_("Enter an http or https address."))
        return value

    def clean_secret(self) -> str:
        value = self.cleaned_data["secret"]
        if not value and self.instance.pk:
            value = self.instance.secret
        return value

    def clean(self):
        cleaned = super().clean()
        kind, secret = cleaned.get("kind"), cleaned.get("secret", "")
        if kind == ReminderChannel.Kind.WEBHOOK and secret and len(secret) < 16:
            self.add_error("secret", _("A webhook's secret has at least 16 characters."))
        return cleaned


@admin.register(ReminderChannel)
class ReminderChannelAdmin(admin.ModelAdmin):
    """Group robots and webhooks (提醒渠道): a committee admin sets one up for a branch or a
    user, and sends it a test message (the action, or the button on its page)."""

    form = ReminderChannelForm
    list_display = ("name", "kind", "branch", "user", "masked_url", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    list_select_related = ("branch", "user")
    search_fields = ("name", "branch__name", "user__username", "user__full_name")
    autocomplete_fields = ("branch", "user")
    actions = ["send_test_message"]
    change_form_template = "admin/assessments/reminderchannel/change_form.html"

    @admin.display(description=_("webhook address"))
    def masked_url(self, obj) -> str:
        return masked(obj.url)

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request, queryset):
        for robot in queryset:
            self._test(request, robot)

    def _test(self, request, robot) -> None:
        try:
            robots.send_test(robot)
        except robots.RobotError as exc:
            self.message_user(
                request,
                _("%(channel)s: the test message failed: %(error)s")
                % {"channel": robot, "error": exc},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _("%(channel)s: the test message was accepted.") % {"channel": robot},
                messages.SUCCESS,
            )

    def get_urls(self):
        test = path(
            "<int:pk>/test/",
            self.admin_site.admin_view(self.test_view),
            name="assessments_reminderchannel_test",
        )
        return [test, *super().get_urls()]

    def test_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        robot = self.get_object(request, str(pk))
        if robot is None or not self.has_change_permission(request, robot):
            raise PermissionDenied
        self._test(request, robot)
        return redirect(reverse("admin:assessments_reminderchannel_change", args=[pk]))
