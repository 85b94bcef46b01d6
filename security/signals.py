"""Sign-in, sign-out and lock-out events into the security log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from core.security_log import client_address, security_event


def signed_in(sender, request, user, **kwargs) -> None:
    from accounts.throttle import login_succeeded

    security_event("sign_in", outcome="success", request=request, user=user)
    if request is not None:
        login_succeeded(user.get_username(), client_address(request))


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``.
    security_event(
        "sign_in", outcome="failure", request=request, user=str(credentials.get("username") or "")
    )


def signed_out(sender, request, user, **kwargs) -> None:
    security_event("sign_out", outcome="success", request=request, user=user)


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    from accounts.throttle import lockout_recorded

    lockout_recorded(request, username or "", ip_address or "")


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(signed_in, dispatch_uid="security_sign_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="security_sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid="security_sign_out")
    user_locked_out.connect(locked_out, dispatch_uid="security_locked_out")
