"""Throttling of password guesses, on stores every process shares.

Sign-in: django-axes counts failures in the database (its AccessAttempt table),
keyed on the username *and* the client's address together: an attacker guessing
the DMPC's password from one address locks only that pair, never the DMPC signing
in from the office. Each lock-out of the same pair doubles the wait (soft
lock-out). One address guessing across many usernames meets a second, generous
limit, high enough for an office whose people share one address.

Signing: wrong passwords typed at signing are counted per signer in the cache
(the database cache by default, Redis when REDIS_URL is set), shared by every
process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessAttemptExpiration
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone

from core.security_log import client_address, security_event

# How long a pair's lock-outs are remembered for doubling the next wait, and the
# longest wait: after a day of quiet a pair starts again at the base wait.
LOCKOUT_MEMORY_SECONDS = 24 * 60 * 60
MAX_COOL_OFF_SECONDS = 24 * 60 * 60

# The password-reset page (accounts:password_reset; a test checks they agree): the
# messages are built when this module loads, before the URLs can be reversed.
RESET_PATH = "/accounts/password-reset/"
TOO_MANY_ATTEMPTS = (
    "Too many failed sign-in attempts. Wait {wait}, then try again: the wait ends by "
    "itself. If you have forgotten your password, reset it at "
    + RESET_PATH
    + " (‘Forgotten your password?’ on the sign-in page). If that does not work, ask a "
    "user administrator."
)
TOO_MANY_FROM_ADDRESS = (
    "Too many failed sign-in attempts from your network. Wait {wait}, then try again. "
    "The wait ends by itself. If you have forgotten your password, reset it at "
    + RESET_PATH
    + ". If this keeps happening, tell a user administrator."
)


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def axes_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: "DMPC" and " dmpc" are the same guess target."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return normalise_username(name)


def _lockouts_key(username: str, address: str) -> str:
    digest = hashlib.sha256(normalise_username(username).encode()).hexdigest()[:32]
    return f"login-lockouts:{digest}:{address}"


def lockouts(username: str, address: str) -> int:
    """How many times this username and address pair was locked out lately."""
    return cache.get(_lockouts_key(username, address)) or 0


def cool_off_for(username: str, address: str) -> dt.timedelta:
    """The base wait, doubled for each earlier lock-out of the pair (the first
    lock-out waits the base)."""
    doublings = max(lockouts(username, address) - 1, 0)
    seconds = settings.LOGIN_FAILURE_WINDOW_SECONDS * 2 ** min(doublings, 16)
    return dt.timedelta(seconds=min(seconds, MAX_COOL_OFF_SECONDS))


def cool_off(request) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the wait for the pair this request signs in as."""
    if request is None:
        return dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return cool_off_for(get_client_username(request), client_address(request))


def lockout_response(request, original_response, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in form already says what happened and what
    to do (GOV.UK error beside the field), so keep that page."""
    return original_response


def _words(delta: dt.timedelta) -> str:
    minutes = max(math.ceil(delta.total_seconds() / 60), 1)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def _pair_attempts(username: str, address: str):
    return AccessAttempt.objects.filter(username=normalise_username(username), ip_address=address)


def _address_window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def address_failures(address: str) -> int:
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=_address_window_start()
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _address_wait(address: str) -> dt.timedelta:
    last = AccessAttempt.objects.filter(ip_address=address).aggregate(last=Max("attempt_time"))
    start = last["last"] or timezone.now()
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return start + window - timezone.now()


def _pair_wait(username: str, address: str) -> dt.timedelta:
    last = _pair_attempts(username, address).aggregate(last=Max("attempt_time"))["last"]
    start = last or timezone.now()
    return start + cool_off_for(username, address) - timezone.now()


def login_refusal(request, username: str) -> str | None:
    """Before checking a password: the message refusing this attempt, or None.
    Refused attempts are not counted, so they do not push the wait further."""
    address = client_address(request)
    credentials = {"username": username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        security_event(
            "sign_in", outcome="refused", request=request, user=username[:150], reason="locked_out"
        )
        return TOO_MANY_ATTEMPTS.format(wait=_words(_pair_wait(username, address)))
    if address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        security_event(
            "sign_in",
            outcome="refused",
            request=request,
            user=username[:150],
            reason="address_limit",
        )
        return TOO_MANY_FROM_ADDRESS.format(wait=_words(_address_wait(address)))
    return None


def failure_refusal(request, username: str) -> str | None:
    """After a wrong password (already counted by axes): the lock-out message if this
    failure reached a limit, or None."""
    address = client_address(request)
    if getattr(request, "axes_locked_out", False):
        return TOO_MANY_ATTEMPTS.format(wait=_words(cool_off_for(username, address)))
    failures = address_failures(address)
    if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        if failures == settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            security_event(
                "sign_in_lockout",
                outcome="alert",
                request=request,
                user=username[:150],
                scope="address",
            )
        return TOO_MANY_FROM_ADDRESS.format(wait=_words(_address_wait(address)))
    return None


def lockout_recorded(request, username: str, address: str) -> dt.timedelta:
    """On axes' user_locked_out: remember the lock-out (the next one waits twice as
    long) and keep the pair's attempts until this wait is over."""
    if getattr(request, "axes_failures_since_start", None) is None:
        # Axes signals again for each attempt its backend refuses while the pair is
        # locked (the back office's sign-in page): that is no new lock-out.
        security_event(
            "sign_in", outcome="refused", request=request, user=username, reason="locked_out"
        )
        return cool_off_for(username, address)
    key = _lockouts_key(username, address)
    if not cache.add(key, 1, timeout=LOCKOUT_MEMORY_SECONDS):
        cache.set(key, lockouts(username, address) + 1, timeout=LOCKOUT_MEMORY_SECONDS)
    wait = cool_off_for(username, address)
    # Axes deletes attempts whose expiry has passed; the expiry it set before this
    # lock-out used the shorter wait of the previous round.
    AccessAttemptExpiration.objects.filter(
        access_attempt__in=_pair_attempts(username, address)
    ).update(expires_at=timezone.now() + wait)
    security_event(
        "sign_in_lockout",
        outcome="alert",
        request=request,
        user=username,
        scope="username_and_address",
        wait_seconds=int(wait.total_seconds()),
    )
    return wait


def login_succeeded(username: str, address: str) -> None:
    """The right password from this address: the pair starts again from the base wait
    (axes itself deletes the pair's failures, AXES_RESET_ON_SUCCESS)."""
    cache.delete(_lockouts_key(username, address))


def _signing_key(user) -> str:
    return f"sign-fail:{user.pk}"


def _count(key: str, window: int | None = None) -> None:
    window = window or settings.LOGIN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def signing_blocked(user) -> bool:
    """Wrong passwords typed at signing, counted per signer like sign-in failures."""
    return (cache.get(_signing_key(user)) or 0) >= settings.LOGIN_FAILURE_LIMIT


def signing_failed(user) -> None:
    _count(_signing_key(user))


def signing_succeeded(user) -> None:
    cache.delete(_signing_key(user))


# Password reset: each request may send an email, so requests are counted per
# address asked about (nobody's inbox is flooded) and per client address (one client
# cannot walk through a list of addresses), in the shared cache like the signing
# throttle. The same limits apply whether or not the address belongs to anyone, so
# a refusal says nothing about who has an account.
RESET_WINDOW_SECONDS = 60 * 60
RESET_LIMIT_PER_EMAIL = 3
RESET_LIMIT_PER_ADDRESS = 10
TOO_MANY_RESETS = (
    "Too many requests to reset a password. Wait {wait}, then try again. Use the "
    "newest email you were sent: its link works once."
)


def _reset_keys(email: str, address: str) -> list[tuple[str, int]]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"pw-reset-email:{digest}", RESET_LIMIT_PER_EMAIL),
        (f"pw-reset-address:{address}", RESET_LIMIT_PER_ADDRESS),
    ]


def reset_refusal(request, email: str) -> str | None:
    """Before sending a reset email: the message refusing it, or None (and then this
    request is counted)."""
    keys = _reset_keys(email, client_address(request))
    if any((cache.get(key) or 0) >= limit for key, limit in keys):
        security_event(
            "password_reset",
            outcome="refused",
            request=request,
            user=email[:150],
            reason="too_many_requests",
        )
        return TOO_MANY_RESETS.format(wait=_words(dt.timedelta(seconds=RESET_WINDOW_SECONDS)))
    for key, _limit in keys:
        _count(key, RESET_WINDOW_SECONDS)
    return None


def reset_completed(request, user) -> None:
    """A new password set through an emailed link: the point of the path is that a
    locked-out person gets back in, so lift every sign-in lock-out of the username
    (django-axes keeps one per username and address) and the signing throttle."""
    username = normalise_username(user.get_username())
    axes_reset(username=username)
    login_succeeded(username, client_address(request))
    signing_succeeded(user)
