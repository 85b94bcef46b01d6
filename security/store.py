"""Keeping security log lines in the SecurityEvent table.

A logging handler on the ``security`` logger, so ``core.security_log`` needs no
knowledge of this app. An event is often logged inside a transaction that is about
to roll back (a refused action, a failed signature): there the row is written on a
short-lived connection of its own, in autocommit, so the refusal is kept even
though the action is not. SQLite (the `make run` default) has one writer at a
time and the open transaction holds the lock, so there the row waits until the
transaction ends: it is written when it commits, or at the end of the request
(``FlushDeferredEventsMiddleware``) when it rolled back. Storing never breaks the
caller: the JSON line has already been written to the log stream, which is the
primary record.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.sql import InsertQuery

# Not a child of "security": a failure to store must not loop back into this handler.
failure_log = logging.getLogger("decision_records.security_store")

FIELDS = ("time", "action", "outcome", "user", "address", "request_id")


def event_from_record(record: dict[str, Any]):
    from security.models import SecurityEvent

    values = {name: str(record.get(name, "")) for name in FIELDS}
    values["time"] = dt.datetime.fromisoformat(values["time"])
    for name, limit in (
        ("action", 64),
        ("outcome", 16),
        ("user", 200),
        ("address", 64),
        ("request_id", 64),
    ):
        values[name] = values[name][:limit]
    # As the JSON line has it: a date or a decimal a caller passed becomes its text.
    detail = json.loads(
        json.dumps({k: v for k, v in record.items() if k not in FIELDS}, default=str)
    )
    return SecurityEvent(**values, detail=detail)


def _insert_on(connection, event) -> None:
    fields = [f for f in event._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(event.__class__)
    query.insert_values(fields, [event])
    with connection.cursor() as cursor:
        for sql, params in query.get_compiler(connection=connection).as_sql():
            cursor.execute(sql, params)


_deferred = threading.local()


def second_connection_possible(connection) -> bool:
    """Whether another connection can write while this one's transaction is open."""
    return connection.vendor != "sqlite"


def _defer(event) -> None:
    events = getattr(_deferred, "events", None)
    if events is None:
        events = _deferred.events = []
    events.append(event)
    transaction.on_commit(flush_deferred)


def flush_deferred() -> None:
    """Write the events that waited for a transaction to end (see the docstring)."""
    events, _deferred.events = getattr(_deferred, "events", None) or [], []
    for event in events:
        try:
            event.save()
        except Exception:
            failure_log.exception("Could not store security event %s", event.action)


def store(record: dict[str, Any]) -> None:
    event = event_from_record(record)
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        event.save()
        return
    if not second_connection_possible(connection):
        _defer(event)
        return
    own = connection.copy()
    try:
        _insert_on(own, event)
    finally:
        own.close()


class FlushDeferredEventsMiddleware:
    """Writes, once the view's transactions are over, events that waited for a
    transaction that then rolled back (SQLite only; elsewhere there are none)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            if not connections[DEFAULT_DB_ALIAS].in_atomic_block:
                flush_deferred()


class SecurityEventStoreHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        data = getattr(record, "security_record", None)
        if data is None:
            return
        try:
            store(data)
        except Exception:
            failure_log.exception("Could not store security event %s", data.get("action"))
