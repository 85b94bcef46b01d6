"""Sign-in throttling: after too many failures for a username or an address, refuse
further attempts for a while, without saying whether the username exists."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# Many people may share one address (an office, a proxy): it gets a higher limit,
# so one person's typos do not lock out everyone behind it.
ADDRESS_LIMIT_FACTOR = 5


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login-fail:user:{digest}", limit),
        (f"login-fail:addr:{address}", limit * ADDRESS_LIMIT_FACTOR),
    ]


def _count(key: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def login_blocked(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(username, address))


def login_failed(username: str, address: str) -> None:
    for key, _ in _keys(username, address):
        _count(key)


def login_succeeded(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0][0])


def _signing_key(user) -> str:
    return f"sign-fail:{user.pk}"


def signing_blocked(user) -> bool:
    """Wrong passwords typed at signing, counted per signer like sign-in failures."""
    return (cache.get(_signing_key(user)) or 0) >= settings.LOGIN_FAILURE_LIMIT


def signing_failed(user) -> None:
    _count(_signing_key(user))


def signing_succeeded(user) -> None:
    cache.delete(_signing_key(user))
