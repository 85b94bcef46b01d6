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
from django.db import DatabaseError, connection, models
from psycopg.pq import ExecStatus

from decisions.models import DecisionEvent, DecisionSearch
from decisions.services.publication import SEARCH_CONFIG
from demo.generator.batch import Batch
from demo.generator.content import HistorySealer, events_chain

_CHUNK = 1 << 20
_SEALERS: dict[type[models.Model], HistorySealer] = {}
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
    """A session table for one run: the search parts of the batch's approved decisions."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{SEARCH_STAGING}" '
            "(decision_id bigint PRIMARY KEY, title text, summary text, body text,"
            " value_pence bigint) ON COMMIT DROP"
        )


def search_index_send(batch: Batch) -> None:
    """For approved decisions, the search index as ``decision_search_index`` stores it
    (a DecisionSearch row): ``text`` is title, summary and body on three lines;
    ``vector`` weighs them A, B and C in the English configuration, concatenated in
    that order (what Django's SearchVector + builds); ``value_pence`` the decision's
    value. The one place that knows where the search index lives.

    Sent without waiting: PostgreSQL computes the vectors while the next batch is
    planned; ``search_index_wait`` collects the result before the connection is used
    again."""
    copy_rows(
        SEARCH_STAGING, ["decision_id", "title", "summary", "body", "value_pence"], batch.search
    )
    vector = " || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE({part}, '')), '{w}')"
        for part, w in (("title", "A"), ("summary", "B"), ("body", "C"))
    )
    sql = (
        f'INSERT INTO "{DecisionSearch._meta.db_table}" '  # noqa: S608 (a model's table)
        '("decision_id", "text", "vector", "value_pence") '
        f"SELECT decision_id, title || E'\\n' || summary || E'\\n' || body, {vector}, "
        "value_pence "
        f'FROM "{SEARCH_STAGING}" ORDER BY decision_id; TRUNCATE "{SEARCH_STAGING}"'
    )
    connection.connection.pgconn.send_query(sql.encode())
    batch.context.search_pending = True


def search_index_wait(context) -> None:
    """Collect the results of ``search_index_send``, raising its error if any."""
    if not context.search_pending:
        return
    context.search_pending = False
    pgconn, failed = connection.connection.pgconn, None
    while (result := pgconn.get_result()) is not None:
        if result.status not in (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK):
            failed = failed or result.error_message.decode(errors="replace")
    if failed:
        raise DatabaseError(f"Writing the search index failed: {failed}")


def _sealer(history_model: type[models.Model]) -> HistorySealer:
    if history_model not in _SEALERS:
        _SEALERS[history_model] = HistorySealer(history_model)
    return _SEALERS[history_model]


def files_store(batch: Batch) -> None:
    """The placeholder PDFs (one file named by its hash, which many rows share); one
    already stored under its name by an earlier batch or run is the same file, and
    is kept."""
    stored: dict[str, str] = {}
    for document, name, content in batch.files:
        if name not in stored:
            if not default_storage.exists(name) or _sha256_of(name) != document["sha256"]:
                stored[name] = default_storage.save(name, ContentFile(content))
            else:
                stored[name] = name
        document["file"] = stored[name]


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
    search_index_wait(context)  # the previous batch's
    clock.lap("search")
    for model in order:
        copy_model(model, batch.live.get(model, []))
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
    search_index_send(batch)
    clock.lap("search")
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
