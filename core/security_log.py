"""The security log: one structured JSON line per security-relevant event.

Every part of the system that signs people in, refuses them, grants power or
finds the record altered calls ``security_event``; the lines go to the dedicated
``security`` logger (see LOGGING in settings), never mixed into page logic. The
``security`` app's handler on that logger also keeps each event in an append-only
table for the records-integrity page.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any

logger = logging.getLogger("security")

# The request being served, set by core.middleware.RequestIdMiddleware: a form or
# service that logs an event without the request at hand (the signing form, a
# service) still records who, from where and in which request.
current_request: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "security_current_request", default=None
)

# Attempted usernames and other free text are cut to this length: a log line is
# evidence, not a place to store whatever a client sends.
TEXT_LIMIT = 200


def client_address(request: Any) -> str:
    """The client's address as the request saw it (trusted-proxy handling sets
    REMOTE_ADDR before this is read)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _username(user: Any) -> str:
    # A failed sign-in has no user, only the name typed: callers pass it as text.
    if isinstance(user, str):
        return user[:TEXT_LIMIT]
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
    "success", "failure", "refused" or "alert". ``user`` defaults to the request's
    (a username as text is accepted, for attempts by no known user); ``request``
    defaults to the one being served.
    """
    if request is None:
        request = current_request.get()
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
    logger.info(
        json.dumps(record, sort_keys=True, default=str, ensure_ascii=False),
        extra={"security_record": record},
    )
    return record
