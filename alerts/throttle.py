"""Subscription requests counted per client address and per email address, in the
shared cache (as sign-in throttling is): a confirmation email cannot be used to
flood someone's inbox, nor the form to fill the table."""

from __future__ import annotations

import hashlib

from core.throttle import counted_within_limits

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 20  # requests from one client address an hour (an office shares one)
PER_EMAIL = 3  # confirmation emails to one email address an hour


def _keys(client_address: str, email: str) -> list[tuple[str, int]]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"alerts-requests:ip:{client_address}", PER_ADDRESS),
        (f"alerts-requests:email:{digest}", PER_EMAIL),
    ]


def request_allowed(client_address: str, email: str) -> bool:
    """Count one request; False once either count is over its limit this hour."""
    return counted_within_limits(_keys(client_address, email), WINDOW_SECONDS)
