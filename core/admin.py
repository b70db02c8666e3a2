"""The outbox in the admin, and an admin piece the apps share."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from core import outbox
from core.models import Job, Revisioned
from core.schedules import crontab_description
from core.task_labels import registered_tasks, task_label


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

    list_display = (
        "pk",
        "task_label",
        "status",
        "created_at",
        "handed_at",
        "attempts",
        "last_error",
    )
    list_filter = ("status",)
    fields = readonly_fields = (
        "task_label",
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

    @admin.display(description=_("task"), ordering="task")
    def task_label(self, job):
        return task_label(job.task)

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


# django-celery-beat's schedules, in the admin's language --------------------------------------
#
# Its admin lists registered tasks by their Python path and describes a crontab in the server's
# (English) locale. Here a task is shown by its label (`@shared_task(label=...)`), the registered
# task of a periodic task is the one selected when its form opens, and a crontab reads in Chinese.


class LabelledTaskSelect(beat_admin.TaskSelectWidget):
    def tasks_as_choices(self):
        return (("", "---------"), *registered_tasks().items())


class LabelledTaskChoiceField(beat_admin.TaskChoiceField):
    widget = LabelledTaskSelect


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    regtask = LabelledTaskChoiceField(label=_("Task"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        task = self.instance.task if self.instance.pk else ""
        if task in registered_tasks():
            self.fields["regtask"].initial = task
        self.fields["task"].label = _("Task not registered in this process (Python path)")


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    """The periodic tasks using a schedule, by their name and task label."""

    fields = ("name", "task_label", "enabled")
    readonly_fields = fields

    @admin.display(description=_("Task"))
    def task_label(self, task):
        return task_label(task.task)


for schedule_model in (
    PeriodicTask,
    CrontabSchedule,
    IntervalSchedule,
    ClockedSchedule,
    SolarSchedule,
):
    admin.site.unregister(schedule_model)


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(SolarSchedule)
class SolarScheduleAdmin(beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    list_display = ("name", "enabled", "task_label", "described", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", "start_time", "last_run_at"]
    fieldsets = (
        (None, {"fields": ("name", "regtask", "enabled", "description")}),
        (
            _("Schedule"),
            {
                "fields": (
                    "interval",
                    "crontab",
                    "crontab_translation",
                    "solar",
                    "clocked",
                    "start_time",
                    "last_run_at",
                    "one_off",
                )
            },
        ),
        (_("Arguments"), {"fields": ("args", "kwargs"), "classes": ("collapse",)}),
        (
            _("Execution Options"),
            {
                "fields": (
                    "task",
                    "expires",
                    "expire_seconds",
                    "queue",
                    "exchange",
                    "routing_key",
                    "priority",
                    "headers",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "crontab":
            field.label_from_instance = crontab_description  # "每天 03:45（北京时间）"
        return field

    @admin.display(description=_("Task"), ordering="task")
    def task_label(self, task):
        return task_label(task.task)

    @admin.display(description=_("Schedule"))
    def described(self, task):
        if task.crontab is not None:
            return crontab_description(task.crontab)
        return str(task.scheduler or "")

    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, task):
        return crontab_description(task.crontab) if task.crontab_id else ""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # What the form's script shows beside the crontab select, for each crontab.
        extra_context = {
            **(extra_context or {}),
            "readable_crontabs": {
                c.pk: crontab_description(c) for c in CrontabSchedule.objects.all()
            },
        }
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context=extra_context
        )


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]
    list_display = ("__str__", "described")
    fields = (
        "described",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    )
    readonly_fields = ("described",)

    @admin.display(description=_("Schedule in words"))
    def described(self, crontab):
        return crontab_description(crontab) if crontab.pk else ""


# The history of a record, readable: choices by their label, an empty value as a dash, yes/no
# (simple-history shows the stored values: "None → 12", "adopted → implemented").


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject) and value.pk is None:
            value = None
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if getattr(field, "flatchoices", None) and not isinstance(value, list | tuple):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page shows the changes in the admin's language."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)
