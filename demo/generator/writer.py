"""Writing a batch with PostgreSQL COPY: seal the chains in order, store the PDF
files, copy every table, and insert the decisions with their search index."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models

from decisions.models import Decision, DecisionEvent
from decisions.services.publication import SEARCH_CONFIG
from demo.generator.batch import Batch
from demo.generator.content import HistorySealer, events_chain

_CHUNK = 1 << 20
_SEALERS: dict[type[models.Model], HistorySealer] = {}
STAGING = "generator_decision"
SEARCH_STAGING = "generator_search"


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t")
            return value.replace("\n", "\\n").replace("\r", "\\r")
        return value
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def copy_rows(table: str, columns: list[str], rows: Iterable[Iterable[Any]]) -> int:
    cursor = connection.cursor().cursor  # psycopg's own cursor, for COPY
    quoted = ", ".join(f'"{c}"' for c in columns)
    count, buffer, size = 0, [], 0
    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            line = "\t".join(_text(v) for v in row) + "\n"
            buffer.append(line)
            size += len(line)
            count += 1
            if size > _CHUNK:
                copy.write("".join(buffer).encode())
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer).encode())
    return count


def copy_model(model: type[models.Model], rows: list[dict[str, Any]], table: str = "") -> int:
    fields = list(model._meta.concrete_fields)
    return copy_rows(
        table or model._meta.db_table,
        [f.column for f in fields],
        ([row[f.attname] for f in fields] for row in rows),
    )


def staging_create() -> None:
    """Session tables for one run: decisions and their search parts before the
    insert that joins them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{STAGING}" '
            f'(LIKE "{Decision._meta.db_table}" INCLUDING DEFAULTS) ON COMMIT DROP'
        )
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{SEARCH_STAGING}" '
            "(decision_id bigint PRIMARY KEY, title text, summary text, body text) ON COMMIT DROP"
        )


def decisions_with_search_insert(batch: Batch) -> None:
    """The decisions, and for approved ones the search index as
    ``decision_search_index`` stores it: ``search_text`` is title, summary and body
    on three lines; ``search_vector`` weighs them A, B and C in the English
    configuration, concatenated in that order (what Django's SearchVector + builds).
    The one place that knows where the search index lives."""
    copy_model(Decision, batch.live.get(Decision, []), STAGING)
    copy_rows(SEARCH_STAGING, ["decision_id", "title", "summary", "body"], batch.search)
    fields = [f for f in Decision._meta.concrete_fields
              if f.attname not in ("search_text", "search_vector")]  # fmt: skip
    columns = ", ".join(f'"{f.column}"' for f in fields)
    selected = ", ".join(f'd."{f.column}"' for f in fields)
    vector = " || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(s.{part}, '')), '{w}')"
        for part, w in (("title", "A"), ("summary", "B"), ("body", "C"))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{Decision._meta.db_table}" ({columns}, "search_text", "search_vector") '  # noqa: S608 (model tables and columns)
            f"SELECT {selected}, "
            "COALESCE(s.title || E'\\n' || s.summary || E'\\n' || s.body, ''), "
            f"CASE WHEN s.decision_id IS NULL THEN NULL ELSE {vector} END "
            f'FROM "{STAGING}" d LEFT JOIN "{SEARCH_STAGING}" s ON s.decision_id = d.id '
            "ORDER BY d.id"
        )
        cursor.execute(f'TRUNCATE "{STAGING}", "{SEARCH_STAGING}"')


def _sealer(history_model: type[models.Model]) -> HistorySealer:
    if history_model not in _SEALERS:
        _SEALERS[history_model] = HistorySealer(history_model)
    return _SEALERS[history_model]


def files_store(batch: Batch) -> None:
    """The placeholder PDFs; one already stored under its name (named by its hash)
    by an earlier run that was rolled back is the same file, and is kept."""
    for document, name, content in batch.files:
        if not default_storage.exists(name) or _sha256_of(name) != document["sha256"]:
            name = default_storage.save(name, ContentFile(content))
        document["file"] = name


def _sha256_of(name: str) -> str:
    with default_storage.open(name, "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def batch_write(batch: Batch, order: list[type[models.Model]]) -> dict[str, float]:
    """Everything of the batch, parents before children; returns seconds per phase."""
    context, clock = batch.context, _Clock()
    context.last_event_hash = events_chain(batch.events, table_prev=context.last_event_hash)
    for history_model, rows in batch.history.items():
        table = history_model._meta.db_table
        context.history_prev[table] = _sealer(history_model).chain(
            rows, prev=context.history_prev[table]
        )
    clock.lap("seal")
    files_store(batch)
    clock.lap("files")
    decisions_with_search_insert(batch)
    clock.lap("decisions")
    for model in order:
        if model is not Decision and batch.live.get(model):
            copy_model(model, batch.live[model])
    clock.lap("rows")
    event_fields = list(DecisionEvent._meta.concrete_fields)
    copy_rows(
        DecisionEvent._meta.db_table,
        [f.column for f in event_fields],
        ([getattr(e, f.attname) for f in event_fields] for e in batch.events),
    )
    clock.lap("rows")
    for history_model, rows in batch.history.items():
        copy_model(history_model, rows)
    clock.lap("history")
    return clock.laps


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now


def sequences_reset(models_written: list[type[models.Model]]) -> None:
    """Move every id sequence past the ids written, so the next insert by the
    application gets a free one."""
    tables = []
    for model in models_written:
        tables.append((model._meta.db_table, model._meta.pk.column))
        history = getattr(model, "history", None)
        if history is not None:
            tables.append((history.model._meta.db_table, "history_id"))
    with connection.cursor() as cursor:
        for table, column in tables:
            highest = f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 1)'  # noqa: S608 (a model's table)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), {highest})", [table, column]
            )
