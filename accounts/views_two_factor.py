"""The second factor's pages: enter the code from the app, or set the app up first.

The middleware (accounts.second_factor.SecondFactorMiddleware) sends signed-in users
who need a code here; these views only ask for it and hand it to the services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.second_factor import (
    CODE_FORMAT,
    CODE_REQUIRED,
    SecondFactorError,
    confirmed_device,
    second_factor_enrolment_confirm,
    second_factor_enrolment_start,
    second_factor_required,
    second_factor_session_verify,
    secret_for_typing,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        # Room for a code typed with spaces ("123 456"); anything longer is not a code.
        max_length=20,
        error_messages={"required": CODE_REQUIRED, "max_length": CODE_FORMAT},
    )


def _next_url(request: HttpRequest) -> str:
    """Where to go once the code is accepted: the page first asked for, if it is on
    this site, else the work home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return settings.LOGIN_REDIRECT_URL


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _not_needed(request: HttpRequest) -> bool:
    user = request.user
    return user.is_verified() or not second_factor_required(user)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter the code from the app, after the password."""
    if _not_needed(request):
        return redirect(_next_url(request))
    if confirmed_device(request.user) is None:
        return redirect(_with_next("accounts:two_factor_set_up", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_session_verify(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: the key to type into it (or a link that opens it),
    then the first code it shows, which proves it holds the key."""
    if _not_needed(request):
        return redirect(_next_url(request))
    if confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:two_factor", request))
    device = second_factor_enrolment_start(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor_enrolment_confirm(
                request=request, user=request.user, code=form.cleaned_data["code"]
            )
        except SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            messages.success(
                request,
                "Your authenticator app is set up. You will need a code from it each time "
                "you sign in and each time you sign a decision.",
            )
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": secret_for_typing(device),
        "config_url": device.config_url,
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "accounts/two_factor_set_up.html", context)
