from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from api.models import Call, Consumer
from api.services import consumer_register, consumer_rekey, consumer_revoke
from core.pagination import ListPaginator


class ConsumerForm(forms.ModelForm):
    class Meta:
        model = Consumer
        fields = [
            "name",
            "contact",
            "whole_street",
            "branches",
            "requests_per_minute",
            "expires_at",
        ]

    def clean(self):
        cleaned = super().clean()
        whole, branches = cleaned.get("whole_street"), cleaned.get("branches")
        if whole and branches:
            raise forms.ValidationError(_("Either the whole street or some branches, not both."))
        if not whole and branches is not None and not branches:
            raise forms.ValidationError(_("Choose the branches it may read, or the whole street."))
        return cleaned


def _token_page(request, consumer: Consumer, token: str) -> TemplateResponse:
    """The token, once: it is not kept, and this page cannot be opened again."""
    return TemplateResponse(
        request,
        "admin/api/consumer/token_once.html",
        {
            **admin.site.each_context(request),
            "title": _("The token of %(name)s") % {"name": consumer.name},
            "consumer": consumer,
            "token": token,
            "opts": Consumer._meta,
        },
    )


@admin.register(Consumer)
class ConsumerAdmin(admin.ModelAdmin):
    form = ConsumerForm
    list_display = ("name", "whole_street", "token_prefix", "expires_at", "revoked_at")
    list_filter = ("whole_street",)
    search_fields = ("name", "contact")
    autocomplete_fields = ("branches",)
    readonly_fields = ("token_prefix", "revoked_at", "created_by", "created_at")
    actions = ("revoke", "new_token")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        _consumer, request._api_token = consumer_register(
            consumer=obj, branches=form.cleaned_data["branches"], actor=request.user
        )

    def response_add(self, request, obj, post_url_continue=None):
        return _token_page(request, obj, request._api_token)

    @admin.action(description=_("Revoke the token"))
    def revoke(self, request, queryset):
        for consumer in queryset:
            consumer_revoke(consumer=consumer)
        self.message_user(request, _("Revoked: the tokens open nothing any more."))

    @admin.action(description=_("Give a new token (the old one stops working)"))
    def new_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one consumer."), level=messages.WARNING)
            return None
        consumer = queryset.get()
        return _token_page(request, consumer, consumer_rekey(consumer=consumer))


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("called_at", "consumer", "endpoint", "status", "rows")
    list_filter = ("status",)
    list_select_related = ("consumer",)
    date_hierarchy = "called_at"
    # One row per call: no full count under a filter, the total counted once a minute.
    show_full_result_count = False
    paginator = ListPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
