"""The derived values of a generated decision, computed as the services compute
them: the content digest (decisions/digest.py ``decision_content`` with funding's
``budget_content``), sign-off and event seals (the real functions, on unsaved
rows), the record seal, and the history chains (core/history.py).

``decision_content`` reads the database; these rows are not written yet, so the
content is assembled here in the same shape. tests/test_generate_decisions.py
proves each value equals what the services compute from the stored rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from core.history import history_purpose
from core.seals import field_value, seal, utc_text
from decisions import extensions
from decisions.digest import sign_off_seal
from decisions.models import DecisionEvent, SignOff
from decisions.services.events import event_seal


@dataclass
class Content:
    """What a signer signs, as the generator holds it."""

    type_code: str
    title: str
    summary: str
    reference: str = ""
    recommendations: list[str] = field(default_factory=list)
    # kind -> [(text, budget table follows)] for all nine sections, in kind order.
    sections: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)
    deferral: tuple[bool | None, str, str | None] = (None, "", None)
    part2: tuple[str, str] | None = None
    declarations: list[tuple[str, str]] = field(default_factory=list)
    envelope: tuple[str, str, int] | None = None
    # (envelope's decision id, route, description, pence, [(year, pence)])
    lines: list[tuple[int, str, str, int, list[tuple[int, int]]]] = field(default_factory=list)


def _extension_content(content: Content) -> dict[str, Any]:
    # Those that sign something (an extension without a name adds nothing to digests).
    names = tuple(extension.name for extension in extensions.registered() if extension.name)
    if names != ("budget",):
        raise RuntimeError(f"The generator knows the budget extension only, not {names}.")
    return {
        "budget": {
            "envelope": list(content.envelope) if content.envelope else None,
            "lines": [
                [decision_id, route, text, pence, [[y, p] for y, p in years]]
                for decision_id, route, text, pence, years in content.lines
            ],
            "movements": [],
        }
    }


def content_digest(content: Content) -> str:
    """``decision_content_digest`` (the default lead-in, no appendices)."""
    data = {
        "type": content.type_code,
        "reference": content.reference,
        "title": content.title,
        "executive_summary": content.summary,
        "recommendations": list(content.recommendations),
        "sections": [
            {"kind": kind, "paragraphs": [[text, follows] for text, follows in paragraphs]}
            for kind, paragraphs in sorted(content.sections.items())
        ],
        "links": [list(link) for link in content.links],
        "appendices": [],
        "deferral": list(content.deferral),
        "part2": list(content.part2) if content.part2 else None,
        "declarations": [list(d) for d in content.declarations],
        **_extension_content(content),
    }
    return seal("content", data)


def sign_off_sealed(row: dict[str, Any]) -> str:
    return sign_off_seal(SignOff(**row))


def record_seal_for(
    *, decision_id: int, reference: str, approved_at, content_digest: str,
    sign_offs: list[tuple[str, str]], pdf_sha256: str,
) -> str:  # fmt: skip
    """``decisions.digest.record_seal``: sign-offs as (role, seal), in role order."""
    return seal(
        "record",
        {
            "decision": decision_id,
            "reference": reference,
            "approved_at": utc_text(approved_at),
            "content_digest": content_digest,
            "sign_offs": [list(s) for s in sorted(sign_offs)],
            "pdf_sha256": pdf_sha256,
        },
    )


def events_chain(events: list[DecisionEvent], *, table_prev: str) -> str:
    """Link and seal events in the order given (ids already in that order); returns
    the last row hash. Each event's decision chain starts empty: they are new."""
    last_of_decision: dict[int, str] = {}
    for event in events:
        event.decision_prev_hash = last_of_decision.get(event.decision_id, "")
        event.table_prev_hash = table_prev
        event.row_hash = event_seal(event)
        table_prev = last_of_decision[event.decision_id] = event.row_hash
    return table_prev


_AS_IS = (str, int, bool)  # what field_value returns unchanged for their own fields


def _sealed_value(model_field: models.Field, value: Any) -> Any:
    """``core.seals.field_value`` without its conversions where the value already
    has its field's type (the generator writes each field's own type)."""
    if value is None or type(value) in _AS_IS:
        return value
    if type(value) is dt.datetime:
        return utc_text(value)
    if type(value) is dt.date:
        return value.isoformat()
    return field_value(model_field, value)


class HistorySealer:
    """Seals history rows as ``ChainedHistory.save`` does, one table at a time."""

    def __init__(self, history_model: type[models.Model]) -> None:
        self.purpose = history_purpose(history_model)
        self.fields = [
            f
            for f in history_model._meta.concrete_fields
            if f.attname not in {"history_id", "row_hash", "prev_hash"}
        ]

    def chain(self, rows: list[dict[str, Any]], *, prev: str) -> str:
        names = [(f.attname, f) for f in self.fields]
        for row in rows:
            values = {name: _sealed_value(f, row.get(name)) for name, f in names}
            row["prev_hash"] = prev
            row["row_hash"] = prev = seal(self.purpose, {"fields": values, "prev": prev})
        return prev
