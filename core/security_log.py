"""The security log: one structured JSON line per security-relevant event.

Every part of the system that signs people in, refuses them, grants power or
finds the record altered calls ``security_event``; the lines go to the dedicated
``security`` logger (see LOGGING in settings), never mixed into page logic.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

logger = logging.getLogger("security")


def client_address(request: Any) -> str:
    """The client's address as the request saw it (trusted-proxy handling sets
    REMOTE_ADDR before this is read)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _username(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_username()


def security_event(
    action: str,
    *,
    outcome: str,
    request: Any = None,
    user: Any = None,
    **detail: Any,
) -> dict[str, Any]:
    """Log one security event and return the record written.

    ``action`` names what happened ("sign_in", "role_grant", ...); ``outcome`` is
    "success", "failure", "refused" or "alert". ``user`` defaults to the request's.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    record: dict[str, Any] = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "action": action,
        "outcome": outcome,
        "user": _username(user),
        "address": client_address(request),
        "request_id": getattr(request, "request_id", "") if request is not None else "",
        **detail,
    }
    logger.info(json.dumps(record, sort_keys=True, default=str, ensure_ascii=False))
    return record
