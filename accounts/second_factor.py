"""The second factor: a time-based code from an authenticator app (django-otp's TOTP
device), asked of those who approve and sign decisions or hold power over records
and people, at sign-in and again at signing.

One module says who needs it (``second_factor_required``), checks codes (with
django-otp's throttling on the device and its refusal of a code already used),
enrols a device, and keeps everyone who needs a second factor but has not given
one out of every page but the code pages (``SecondFactorMiddleware``).
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from core.security_log import security_event

# Roles whose holders need a second factor, by group name: those who sign and approve
# decisions (the Chief Executive, the DMPC), who manage the record (records managers),
# and who grant roles (user administrators). Superusers need it too.
USER_ADMINISTRATOR_GROUP = Role.USER_ADMIN.label
SECOND_FACTOR_GROUPS = frozenset(
    {
        Role.CHIEF_EXECUTIVE.label,
        Role.DMPC.label,
        Role.RECORDS_MANAGER.label,
        USER_ADMINISTRATOR_GROUP,
    }
)

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app."
CODE_FORMAT = "Enter the code as 6 digits, like 123456."
CODE_WRONG = (
    "The code is not right. Check you are using the code for Decision records in your "
    "authenticator app, and enter the code it shows now."
)
CODE_USED = (
    "That code has been used already: each code works once. Wait for your "
    "authenticator app to show a new code, then enter it."
)
CODE_THROTTLED = "Wait {wait} before trying another code."
NO_DEVICE = "Set up your authenticator app before you sign."

# What people may type: the digits, perhaps grouped with spaces or a hyphen as apps
# show them ("123 456").
_SEPARATORS = re.compile(r"[\s-]+")


class SecondFactorError(Exception):
    """A code refused: ``message`` is shown beside the code field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def second_factor_required(user) -> bool:
    """Whether this user must give a code at sign-in and at signing. Deny by default:
    anyone in one of the groups above, or a superuser, whatever else they hold."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=SECOND_FACTOR_GROUPS).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def secret_for_typing(device: TOTPDevice) -> str:
    """The device's key as authenticator apps take it (base32), in groups of 4."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_normalise(code: str) -> str:
    """The code as typed, without spaces; SecondFactorError if it cannot be one."""
    code = _SEPARATORS.sub("", code or "")
    if not code:
        raise SecondFactorError(CODE_REQUIRED)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise SecondFactorError(CODE_FORMAT)
    return code


def _throttle_wait(device: TOTPDevice) -> int | None:
    """Seconds to wait before the device will check another code, or None."""
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (detail or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def _already_used(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is right for the device but at or before the last time step
    it accepted (django-otp refuses a code twice: someone who signed in and then
    signs at once has typed the same code again, not a wrong one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(code), device.tolerance) and totp.t() <= device.last_t


def _check(*, device: TOTPDevice, code: str) -> None:
    """Verify ``code`` against ``device`` under a row lock, so two requests cannot both
    use one code, and a code at or before the last one used (last_t) is refused."""
    # The refusal is raised after the transaction: django-otp's count of failures
    # (the throttle) must be kept, not rolled back with the error.
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        wait = _throttle_wait(device)
        verified = wait is None and device.verify_token(code)
        used = wait is None and not verified and _already_used(device, code)
    if wait is not None:
        wait_words = f"{wait} second{'' if wait == 1 else 's'}"
        raise SecondFactorError(CODE_THROTTLED.format(wait=wait_words))
    if not verified:
        raise SecondFactorError(CODE_USED if used else CODE_WRONG)


def second_factor_verify(
    *, user, code: str, request: HttpRequest | None = None, purpose: str = "sign_in"
) -> TOTPDevice:
    """Check a code typed by ``user`` against their confirmed device and log the
    outcome. Returns the device; raises SecondFactorError with the message to show.
    ``purpose`` says where it was asked ("sign_in" or "signing") in the log."""
    device = confirmed_device(user)
    try:
        if device is None:
            raise SecondFactorError(NO_DEVICE)
        _check(device=device, code=code_normalise(code))
    except SecondFactorError as error:
        security_event(
            "second_factor",
            outcome="failure",
            request=request,
            user=user,
            purpose=purpose,
            reason=error.message,
        )
        raise
    security_event("second_factor", outcome="success", request=request, user=user, purpose=purpose)
    return device


def second_factor_session_verify(*, request: HttpRequest, user, code: str) -> TOTPDevice:
    """At sign-in: a right code marks this session as having passed the second factor.
    The session gets a new key, as at any change of what it may do."""
    device = second_factor_verify(user=user, code=code, request=request, purpose="sign_in")
    request.session.cycle_key()
    otp_login(request, device)
    return device


@transaction.atomic
def second_factor_enrolment_start(*, user) -> TOTPDevice:
    """The device being set up: the user's unconfirmed one, or a new one with a random
    key. The same key is shown until it is confirmed, so reloading the page does not
    invalidate what was already typed into the app."""
    if confirmed_device(user) is not None:
        raise SecondFactorError("Your authenticator app is already set up.")
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=False)
        .select_for_update()
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def second_factor_enrolment_confirm(*, request: HttpRequest, user, code: str) -> TOTPDevice:
    """The first code from the app proves it holds the key: the device is confirmed
    and this session has passed the second factor."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    try:
        if device is None or confirmed_device(user) is not None:
            raise SecondFactorError(CODE_WRONG)
        _check(device=device, code=code_normalise(code))
    except SecondFactorError as error:
        security_event(
            "second_factor",
            outcome="failure",
            request=request,
            user=user,
            purpose="enrolment",
            reason=error.message,
        )
        raise
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other unconfirmed key shown earlier is dropped: one device per person.
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    security_event(
        "second_factor", outcome="success", request=request, user=user, purpose="enrolment"
    )
    request.session.cycle_key()
    otp_login(request, device)
    return device


def second_factor_device_set(*, user, key: str, acting_user=None) -> TOTPDevice:
    """Give ``user`` a confirmed device with this hex key, replacing any they had
    (the demo's fixed keys). ``acting_user`` is who did it (None: a command)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=key, confirmed=True
        )
    security_event(
        "second_factor",
        outcome="success",
        user=user,
        purpose="enrolment",
        set_by=acting_user.get_username() if acting_user is not None else "command",
    )
    return device


def has_device(user) -> bool:
    """Whether ``user`` has an authenticator app set up, or being set up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=None).exists()


def second_factor_reset(*, user, acting_user=None, request: HttpRequest | None = None) -> int:
    """Delete ``user``'s authenticator apps (they lost their phone): at their next
    sign-in they set one up again. Called inside the caller's transaction (governance's
    confirmed reset request) or on its own. Returns how many devices were deleted."""
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    security_event(
        "second_factor",
        outcome="success",
        request=request,
        user=acting_user,
        purpose="reset",
        subject=user.get_username(),
    )
    return deleted


# --- The gate -------------------------------------------------------------------


def _open_paths() -> tuple[str, ...]:
    """Where a signed-in user who has not given their code may still go: the code
    pages, signing out, and static files."""
    return (
        reverse("accounts:two_factor"),  # also covers the set-up page below it
        reverse("accounts:logout"),
        settings.STATIC_URL,
    )


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in user who needs a second factor
    and has not given it this session is sent to enter their code (or to set up
    their app) from every other page, the back office and the work pages included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_open_paths())
            and second_factor_required(user)
        ):
            page = "accounts:two_factor" if confirmed_device(user) else "accounts:two_factor_set_up"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(page) + (f"?{query}" if query else ""))
        return self.get_response(request)
