"""Requests counted in the shared cache, per key and window: the mechanism behind the
alerts subscription and the document check (sign-in has django-axes and its own
counts in accounts/throttle.py). One count a key; every process shares it."""

from __future__ import annotations

from django.core.cache import cache


def counted_within_limits(limits: list[tuple[str, int]], window_seconds: int) -> bool:
    """Count one request under each (key, limit); False once any count is over its
    limit in this window (the window starts at a key's first request)."""
    allowed = True
    for key, limit in limits:
        cache.add(key, 0, window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window_seconds)
            count = 1
        allowed = allowed and count <= limit
    return allowed
