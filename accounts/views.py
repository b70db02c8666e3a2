from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services, twofactor
from accounts.forms import LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request) -> str:
    """Where to go once the step is done: the page first asked for, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home:home")


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code;
    the recovery codes are then shown once."""
    if not twofactor.may_enrol(request.user):
        return redirect(
            reverse("accounts:two_factor_verify") + f"?next={reverse('accounts:two_factor_enrol')}"
        )
    device = twofactor.enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.enrol_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("token", _("This code is not correct. Enter the code the app shows now."))
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "qr_code": twofactor.qr_code_svg(device),
            "key": twofactor.base32_key(device),
            "required": twofactor.second_factor_required(request.user),
            "enrolled": twofactor.user_has_device(request.user),
            "next": request.GET.get("next", ""),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of a log-in: a code from the authenticator, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("This code is not correct. Each wrong code makes the next try wait a little longer."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@require_POST
def recovery_codes_renew(request):
    """New recovery codes for a verified session (the old ones stop working)."""
    if not request.user.is_verified():
        raise PermissionDenied
    codes = twofactor.recovery_codes_renew(user=request.user)
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("home:home")}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "form_page.html"
    success_url = reverse_lazy("home:home")
    extra_context = {"title": gettext_lazy("Change your password")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("home:home")
        if self.request.user.must_change_password:
            context["intro"] = _("A committee admin asked you to choose a new password.")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.request.user, request=self.request)
        messages.success(self.request, _("Your password was changed."))
        return response
