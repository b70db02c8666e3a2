"""The outbox in the admin, and an admin piece the apps share."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import outbox
from core.models import Job, Revisioned


class RevisionAdminMixin:
    """A change saved in the admin is a new revision of the record too, so a portal form opened
    before it is refused rather than silently overwriting the admin's change."""

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, Revisioned):
            obj.revision += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if issubclass(formset.model, Revisioned):
            for inline in formset.forms:
                if inline.instance.pk is not None and inline.has_changed():
                    inline.instance.revision += 1
        super().save_formset(request, form, formset, change)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The outbox, for committee staff: what waits for the queue and why. Jobs are written by
    the portal, never by hand; a waiting one can be handed over again from here."""

    list_display = ("pk", "task", "status", "created_at", "handed_at", "attempts", "last_error")
    list_filter = ("status", "task")
    readonly_fields = (
        "task",
        "kwargs",
        "status",
        "created_at",
        "handed_at",
        "attempts",
        "last_error",
    )
    ordering = ("-created_at", "-pk")
    show_full_result_count = False
    actions = ("hand_over_again",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hand the selected waiting jobs to the queue again"))
    def hand_over_again(self, request, queryset):
        handed = sum(
            outbox.hand_over(job_id=pk)
            for pk in queryset.exclude(status=Job.Status.HANDED).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d job was handed to the queue.",
                "%(count)d jobs were handed to the queue.",
                handed,
            )
            % {"count": handed},
            messages.SUCCESS if handed else messages.WARNING,
        )
