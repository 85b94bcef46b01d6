"""Rows waiting to be written, and how each kind of row is added: a live row with
the history row its service writes, an event, a decision's search text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from decisions.models import DecisionEvent
from demo.generator.context import Context


@dataclass
class Batch:
    context: Context
    live: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)
    history: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)
    events: list[DecisionEvent] = field(default_factory=list)
    # (decision id, title, summary, body, value): the three weighted parts of the
    # search index, and the decision's value.
    search: list[tuple[int, str, str, str, int]] = field(default_factory=list)
    # (PublishedDocument row, file name, PDF bytes) to store.
    files: list[tuple[dict[str, Any], str, bytes]] = field(default_factory=list)
    # Decisions whose PDF the real service renders once everything is written.
    render: list[int] = field(default_factory=list)
    # Series moved on: DecisionType id -> last number.
    series: dict[int, int] = field(default_factory=dict)

    def new(self, model: type[models.Model], **values: Any) -> dict[str, Any]:
        """A live row with the next id of its table (not yet recorded in history)."""
        row = {"id": self.context.take_id(model._meta.db_table), **values}
        for model_field in _fields(model):
            if model_field.attname not in row:
                row[model_field.attname] = model_field.get_default()
        self.live.setdefault(model, []).append(row)
        return row

    def record(
        self,
        model: type[models.Model],
        row: dict[str, Any],
        *,
        kind: str,
        reason: str,
        user: int | None,
        at: dt.datetime,
    ) -> None:
        """The history row ``save_audited`` writes: the row's fields as they are now."""
        history_model = history_model_of(model)
        table = history_model._meta.db_table
        entry = {name: row.get(name) for name in _tracked(model, history_model)}
        entry.update(
            history_id=self.context.take_id(table),
            history_date=at,
            history_change_reason=reason,
            history_type=kind,
            history_user_id=user,
        )
        self.history.setdefault(history_model, []).append(entry)

    def add(
        self,
        model: type[models.Model],
        *,
        reason: str,
        user: int | None,
        at: dt.datetime,
        **values: Any,
    ) -> dict[str, Any]:
        """A new row saved through ``save_audited``: the row and its "+" history row."""
        row = self.new(model, **values)
        self.record(model, row, kind="+", reason=reason, user=user, at=at)
        return row


_HISTORY: dict[type[models.Model], type[models.Model]] = {}


def history_model_of(model: type[models.Model]) -> type[models.Model]:
    """``model.history.model``, looked up once (the descriptor builds a manager)."""
    if model not in _HISTORY:
        _HISTORY[model] = model.history.model
    return _HISTORY[model]


_FIELDS: dict[type[models.Model], list[models.Field]] = {}


def _fields(model: type[models.Model]) -> list[models.Field]:
    if model not in _FIELDS:
        _FIELDS[model] = list(model._meta.concrete_fields)
    return _FIELDS[model]


_TRACKED: dict[type[models.Model], list[str]] = {}


def _tracked(model: type[models.Model], history_model: type[models.Model]) -> list[str]:
    """The model's fields its history rows copy (not those history excludes)."""
    if model not in _TRACKED:
        copied = {f.attname for f in history_model._meta.concrete_fields}
        _TRACKED[model] = [f.attname for f in _fields(model) if f.attname in copied]
    return _TRACKED[model]
