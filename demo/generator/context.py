"""What the generator reads from the database before it writes: the people who act
in each role, the office holders who sign, the decision types with their wording
and series, and the first free id of every table it writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from accounts.models import User
from accounts.roles import Role
from core.seals import chain_lock
from decisions.models import DecisionEvent, DecisionType, SignOffRole, SignOffWording
from decisions.services.events import EVENT_CHAIN
from governance.models import OfficeHolder

# The types generated, with their share of the decisions.
TYPE_SHARES = (("PCD", 0.85), ("CEOD", 0.15))


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Signer:
    user: Person
    name: str  # as the office holder in office signs
    title: str
    since: dt.date


@dataclass
class TypeInfo:
    id: int
    code: str
    final_approver: str
    approver_title: str
    delegation_limit_pence: int | None
    last_number: int
    wordings: dict[str, SignOffWording]
    row: dict[str, Any]  # every field, for the series' history rows


@dataclass
class Context:
    officer: Person
    head: Person
    records: Person
    signers: dict[str, Signer]
    types: dict[str, TypeInfo]
    start: dt.datetime
    next_ids: dict[str, int] = field(default_factory=dict)
    last_event_hash: str = ""
    history_prev: dict[str, str] = field(default_factory=dict)
    # Approved generated decisions, (id, reference): what amendments may amend.
    approved: list[tuple[int, str]] = field(default_factory=list)
    # How many more approved decisions get a PDF rendered by the real service.
    render_left: int = 0

    def take_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value


class GeneratorError(Exception):
    """The database lacks what generated decisions need (run load_demo first)."""


def _person(role: Role) -> Person:
    user = User.objects.filter(groups__name=role.label, is_active=True).order_by("pk").first()
    if user is None:
        raise GeneratorError(f"No active user in the role {role.label}: run load_demo first.")
    return Person(user.pk, user.display_name)


def _signer(role: SignOffRole) -> Signer:
    holder = (
        OfficeHolder.objects.filter(role=role, to_date__isnull=True)
        .select_related("user")
        .order_by("from_date")
        .first()
    )
    if holder is None:
        raise GeneratorError(f"No office holder in office as {role.label}: run load_demo first.")
    return Signer(Person(holder.user_id, holder.user.display_name), holder.name, holder.title,
                  holder.from_date)  # fmt: skip


def _types() -> dict[str, TypeInfo]:
    found = {}
    for code, _share in TYPE_SHARES:
        row = DecisionType.objects.select_for_update().filter(code=code).first()
        if row is None:
            raise GeneratorError(f"No decision type {code}: run load_demo first.")
        wordings = {w.role: w for w in SignOffWording.objects.filter(decision_type=row)}
        found[code] = TypeInfo(
            row.pk, code, row.final_approver, row.approver_title, row.delegation_limit_pence,
            row.last_number, wordings,
            {f.attname: getattr(row, f.attname) for f in DecisionType._meta.concrete_fields},
        )  # fmt: skip
    return found


def next_free_id(model: type[models.Model]) -> int:
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        sql = f'SELECT COALESCE(MAX("{pk}"), 0) + 1 FROM "{model._meta.db_table}"'  # noqa: S608 (a model's table)
        cursor.execute(sql)
        return cursor.fetchone()[0]


def context_load(models_written: list[type[models.Model]]) -> Context:
    """Read everything, holding the locks of every chain written (event log and each
    history table) until the caller's transaction ends."""
    signers = {role: _signer(role) for role in SignOffRole}
    since = max(s.since for s in signers.values()) + dt.timedelta(days=2)
    start = max(dt.datetime(2023, 1, 3, 9, tzinfo=dt.UTC), dt.datetime.combine(
        since, dt.time(9), tzinfo=dt.UTC))  # fmt: skip
    context = Context(
        officer=_person(Role.OFFICER),
        head=_person(Role.HEAD_OF_SERVICE),
        records=_person(Role.RECORDS_MANAGER),
        signers=signers,
        types=_types(),
        start=start,
    )
    chain_lock(EVENT_CHAIN)
    last = DecisionEvent.objects.order_by("-pk").only("row_hash").first()
    context.last_event_hash = last.row_hash if last else ""
    context.next_ids[DecisionEvent._meta.db_table] = next_free_id(DecisionEvent)
    for model in models_written:
        context.next_ids[model._meta.db_table] = next_free_id(model)
        history = getattr(model, "history", None)
        if history is None:
            continue
        history_model = history.model
        table = history_model._meta.db_table
        chain_lock(f"history:{table}")
        last_row = history_model.objects.order_by("-history_id").only("row_hash").first()
        context.history_prev[table] = last_row.row_hash if last_row else ""
        context.next_ids[table] = next_free_id(history_model)
    return context
