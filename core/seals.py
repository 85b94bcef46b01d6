"""Keyed seals (HMAC-SHA256) over canonical JSON, and the lock that keeps a chain in
one order.

A seal can only be computed with ``settings.AUDIT_HMAC_KEY``, which is held outside
the database: someone who can write to the tables can change a row, but cannot
write a seal that matches the change. Each kind of seal names its purpose
("content", "signoff", "event", "history:<table>"...), which is part of what is
sealed, so a seal made for one purpose never verifies as another.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field, FileField
from django.db.models.fields.files import FieldFile
from django.utils import timezone


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def seal(purpose: str, data: Any) -> str:
    """The HMAC-SHA256 (64 hex digits) of ``data`` for ``purpose``."""
    message = f"{purpose}\n{canonical_json(data)}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def seals_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a or "", b or "")


def utc_text(value: dt.datetime | None) -> str | None:
    """A time as it reads back from any database: UTC, to the microsecond."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def field_value(field: Field, value: Any) -> Any:
    """A field's value in the form it has both before it is saved and after it is
    read back (a date given as text and the date read back seal the same)."""
    if value is None:
        return None
    if isinstance(field, FileField) or isinstance(value, FieldFile):
        return getattr(value, "name", value) or ""
    target = field.target_field if field.is_relation and field.many_to_one else field
    try:
        value = target.to_python(value)
    except ValidationError:  # sealed as given: a value the field refuses still seals
        return str(value)
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        places = getattr(target, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(10) ** -places)
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def chain_lock(name: str) -> None:
    """Hold, until the transaction ends, the lock of the chain ``name``: two
    transactions appending to one chain take turns, so each links to the last.

    PostgreSQL: a transaction-level advisory lock. SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(f"chain:{name}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
