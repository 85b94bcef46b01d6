"""Document checks counted per client address in the shared cache (core/throttle.py,
as alerts subscriptions are): the page and the API share the count, so neither can be
used to make the server hash and check signatures without end."""

from __future__ import annotations

from core.throttle import counted_within_limits

WINDOW_SECONDS = 60 * 60
PER_ADDRESS = 60  # checks from one client address an hour (an office shares one)


def check_allowed(client_address: str) -> bool:
    """Count one check; False once this address is over its limit this hour."""
    return counted_within_limits([(f"verify:ip:{client_address}", PER_ADDRESS)], WINDOW_SECONDS)
