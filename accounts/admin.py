from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.exports import export_access_log
from accounts.models import AccessRecord, CalendarFeed, User
from core.xlsx import xlsx_response

PERMISSION_FLAGS = ("is_active", "is_staff", "is_superuser")

# The seats (branch posts) a log-in holds, read through the user's `seats` relation: accounts
# sits below branches in the layers and does not import them.
Seat = User.seats.rel.related_model


class SeatForm(forms.ModelForm):
    """A seat given on the user's page: the holder's name is the user's unless typed."""

    class Meta:
        model = Seat
        fields = ("branch", "kind", "origin", "holder_name", "started_on", "ended_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_name"].required = False
        self.fields["holder_name"].help_text = _("Left empty: the user's full name.")

    def clean_holder_name(self):
        name = self.cleaned_data.get("holder_name", "").strip()
        user = self.instance.user  # set by the inline formset: the user of the page
        if not name and user is not None:
            name = user.full_name
        if not name:
            raise forms.ValidationError(_("Type the name of the seat holder."), code="required")
        return name


class SeatInline(admin.StackedInline):
    """A secretary's branch posts, seen and changed on their own page: the seat is what lets a
    log-in see its branch (accounts/access.py)."""

    model = Seat
    form = SeatForm
    extra = 0
    autocomplete_fields = ("branch",)
    fields = (("branch", "kind", "origin"), ("holder_name", "started_on", "ended_on"))
    verbose_name = _("seat")
    verbose_name_plural = _("seats (branch posts)")


# Permission names are stored in English when the tables are made ("Can add member"): they are
# shown from the model's translated name instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"name": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    app = model._meta.app_config.verbose_name
    return f"{app} | {model._meta.verbose_name} | {name}"


class TranslatedPermissionsMixin:
    """The permission pickers of a user's and a group's page, in the admin's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "must_change_password")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ["require_password_change", "unlock"]
    inlines = [SeatInline]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (_("Personal info"), {"fields": ("full_name", "email")}),
        (_("Role"), {"fields": ("role",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser makes another superuser: a committee admin, who holds every
        permission by role, cannot raise anyone (themselves included) above it."""
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_superuser")
        return fields

    def _touches_a_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        """A committee admin manages the portal's users, not the superusers above them (whose
        password they could otherwise reset)."""
        if self._touches_a_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._touches_a_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    # The access log: role and permission changes ---------------------------------------------

    @staticmethod
    def _permissions_of(user: User) -> dict:
        return {
            **{flag: getattr(user, flag) for flag in PERMISSION_FLAGS},
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "user_permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        }

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).first() if change else None
        request._access_before = (
            (before.role, before.must_change_password, self._permissions_of(before))
            if before is not None
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Record what the save changed once the groups and permissions are saved too: one
        record for a role change, one for a change of permissions."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_access_before", None)
        if before is None:
            services.record_access(
                request=request,
                action=AccessRecord.Action.ROLE_CHANGE,
                obj=user,
                detail=f"new user: {user.role}",
            )
            return
        role, must_change, permissions = before
        if role != user.role:
            services.record_access(
                request=request,
                action=AccessRecord.Action.ROLE_CHANGE,
                obj=user,
                detail=f"{role} → {user.role}",
            )
        after = self._permissions_of(user)
        changed = [
            f"{key}: {permissions[key]} → {after[key]}"
            for key in after
            if permissions[key] != after[key]
        ]
        if changed:
            services.record_access(
                request=request,
                action=AccessRecord.Action.PERMISSION_CHANGE,
                obj=user,
                detail="; ".join(changed),
            )
        if user.must_change_password and not must_change:
            services.record_access(
                request=request, action=AccessRecord.Action.PASSWORD_RESET_REQUIRED, obj=user
            )

    @admin.action(description=_("Require a new password at the next log-in"))
    def require_password_change(self, request, queryset):
        users = [u for u in queryset if not self._touches_a_superuser(request, u)]
        for user in users:
            services.password_change_require(user=user, request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d user must change the password at the next log-in.",
                "%(count)d users must change the password at the next log-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock after failed log-ins"))
    def unlock(self, request, queryset):
        unlocked = 0
        for user in queryset:
            if services.account_unlock(user=user, request=request):
                unlocked += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d locked account was unlocked.",
                "%(count)d locked accounts were unlocked.",
                unlocked,
            )
            % {"count": unlocked},
            messages.SUCCESS,
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who subscribes a calendar, and when it was last read. The token itself is not kept (only
    its hash), so nothing here can show it; deleting a row revokes that address."""

    list_display = ("user", "created_at", "last_read_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name")
    readonly_fields = ("user", "created_at", "last_read_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The access log (访问日志): searched and exported, never added to, changed or deleted,
    whoever asks (superusers too).

    "Who saw member X's ID number this month" is one search: the member's name (or id) in the
    search box, the action "Viewed full ID number and phone" and the date filter "This month"."""

    list_display = (
        "at",
        "username",
        "full_name",
        "ip_address",
        "action",
        "object_label",
        "object_id",
        "result",
    )
    list_filter = ("action", "result", ("at", DateFieldListFilter), "object_type")
    search_fields = ("username", "user__full_name", "object_label", "=object_id", "detail")
    date_hierarchy = "at"
    list_select_related = ("user",)
    show_full_result_count = False
    change_list_template = "admin/accounts/accessrecord/change_list.html"

    @admin.display(description=_("full name"))
    def full_name(self, record):
        return record.user.full_name if record.user else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = path(
            "export.xlsx",
            self.admin_site.admin_view(self.export_view),
            name="accounts_accessrecord_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The records the changelist shows for the same search and filters, as xlsx."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        records = changelist.get_queryset(request).select_related("user")
        services.record_access(
            request=request,
            action=AccessRecord.Action.EXPORT,
            object_type=AccessRecord._meta.label,
            object_label=str(AccessRecord._meta.verbose_name_plural),
            detail=services.filters_of(request),
        )
        stamp = timezone.localdate().isoformat()
        return xlsx_response(
            export_access_log(records.iterator(chunk_size=2000)),
            filename=f"access-log-{stamp}.xlsx",
        )


# Second-factor devices: a committee admin sees who has set up what, and deletes a device when
# a phone is lost (the user then enrols again at the next log-in). The secrets themselves (the
# TOTP key and its QR code, the recovery codes) are shown to nobody in the admin.


class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
    admin.site.register(device_model, DeviceAdmin)


# Permission changes made through a group, and unlocks made in django-axes' own admin, are
# recorded in the access log like those made on a user's page.

admin.site.unregister(Group)


@admin.register(Group)
class LoggedGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    @staticmethod
    def _permissions_of(group: Group) -> list[str]:
        return sorted(group.permissions.values_list("codename", flat=True))

    def save_model(self, request, obj, form, change):
        request._group_permissions_before = self._permissions_of(obj) if change and obj.pk else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        before = getattr(request, "_group_permissions_before", None)
        after = self._permissions_of(group)
        if before != after:
            services.record_access(
                request=request,
                action=AccessRecord.Action.PERMISSION_CHANGE,
                obj=group,
                detail=f"permissions: {before or []} → {after}",
            )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoggedAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, attempt: AccessAttempt):
        return super().status(attempt)

    def _record_unlock(self, request, attempt: AccessAttempt) -> None:
        services.record_access(
            request=request,
            action=AccessRecord.Action.UNLOCK,
            object_type="axes.AccessAttempt",
            object_id=attempt.pk,
            object_label=attempt.username or "",
            detail="failed log-ins removed in the admin",
        )

    def delete_model(self, request, obj):
        self._record_unlock(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            self._record_unlock(request, attempt)
        super().delete_queryset(request, queryset)
