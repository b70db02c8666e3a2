"""The one way a form page works: validate, call a service, say so, redirect. A form that fails
keeps every value typed and shows each error beside its field."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    cancel_url: str,
    on_valid: Callable[[forms.Form], str],
    success_message: str,
    intro: str = "",
    danger: bool = False,
    multipart: bool = False,
) -> HttpResponse:
    """`on_valid` calls the service and returns the URL to go to next."""
    if request.method == "POST" and form.is_valid():
        try:
            next_url = on_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(next_url)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "intro": intro,
            "danger": danger,
            "multipart": multipart,
        },
    )
