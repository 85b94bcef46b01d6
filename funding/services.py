"""Every write to funding data: envelopes, lines, allocations, moves, commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.financial_years import format_financial_year, parse_financial_year
from core.money import MAX_PENCE, format_money
from decisions.models import Decision, LinkKind
from decisions.services.drafting import decision_lock_for_edit, decision_touch, text_checked
from funding.models import (
    Allocation,
    BudgetEnvelope,
    BudgetLine,
    BudgetMovement,
    Commitment,
    CommitmentKind,
    ProcurementRoute,
)
from funding.selectors import line_uncommitted_pence


@dataclass(frozen=True)
class LineSpec:
    route: str
    amount_pence: int
    description: str = ""
    # Financial year (start year or "2024/25") -> pence.
    allocations: Mapping[int | str, int] = field(default_factory=dict)


def _amount(pence: int, *, field: str, positive: bool = False) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise DomainError(Messages.MONEY_INVALID, field=field)
    if pence < 0:
        raise DomainError(Messages.MONEY_NEGATIVE, field=field)
    if positive and pence == 0:
        raise DomainError(Messages.MONEY_NOT_POSITIVE, field=field)
    if pence >= MAX_PENCE:
        raise DomainError(Messages.MONEY_TOO_LARGE, field=field)
    return pence


def _financial_year(value: int | str, *, field: str) -> int:
    if isinstance(value, int):
        value = format_financial_year(value)
    return parse_financial_year(value, field=field)


def _allocations(
    allocations: Mapping[int | str, int],
    *,
    line_amount: int,
    line_label: str,
    field_prefix: str = "",
) -> dict[int, int]:
    """Validate a line's allocations: real, unrepeated years summing to the line."""
    checked: dict[int, int] = {}
    for raw_year, pence in allocations.items():
        year = _financial_year(raw_year, field="financial_year")
        if year in checked:
            raise DomainError(
                Messages.FINANCIAL_YEAR_REPEATED,
                field="financial_year",
                year=format_financial_year(year),
            )
        checked[year] = _amount(pence, field="amount")
    total = sum(checked.values())
    if checked and total != line_amount:
        raise DomainError(
            Messages.ALLOCATIONS_UNBALANCED,
            field=f"{field_prefix}amount",
            line=line_label,
            allocations_total=format_money(total),
            line_amount=format_money(line_amount),
        )
    return dict(sorted(checked.items()))


def _route(route: str) -> ProcurementRoute:
    try:
        return ProcurementRoute(route)
    except ValueError as error:
        raise DomainError(
            Messages.FIELD_INVALID, field="route", detail="Choose a procurement route."
        ) from error


def _line_create(
    *,
    user: User,
    envelope: BudgetEnvelope,
    spec: LineSpec,
    set_by: Decision,
    active: bool,
    position: int,
    reason: str,
    field_prefix: str = "",
) -> BudgetLine:
    route = _route(spec.route)
    amount = _amount(spec.amount_pence, field=f"{field_prefix}amount", positive=True)
    allocations = _allocations(
        spec.allocations, line_amount=amount, line_label=route.label, field_prefix=field_prefix
    )
    line = BudgetLine(
        envelope=envelope,
        position=position,
        route=route,
        description=text_checked(
            spec.description,
            field=f"{field_prefix}description",
            label="the line description",
            limit=500,
            required=False,
        ),
        amount_pence=amount,
        set_by=set_by,
        active=active,
    )
    save_audited(line, user=user, reason=reason)
    for year, pence in allocations.items():
        save_audited(
            Allocation(line=line, financial_year=year, amount_pence=pence),
            user=user,
            reason=reason,
        )
    return line


@transaction.atomic
def envelope_create(
    *,
    user: User,
    decision: Decision,
    description: str,
    funding_source: str,
    total_pence: int,
    lines: Sequence[LineSpec],
) -> BudgetEnvelope:
    """The budget a draft decision approves. Its lines must add up to its total."""
    locked = decision_lock_for_edit(decision, user=user)
    if BudgetEnvelope.objects.filter(decision=locked).exists():
        raise DomainError(Messages.ENVELOPE_EXISTS, reference=locked.reference or "This draft")
    total = _amount(total_pence, field="total", positive=True)
    lines_total = sum(_amount(spec.amount_pence, field="amount") for spec in lines)
    if lines_total != total:
        raise DomainError(
            Messages.LINES_UNBALANCED,
            field="lines",
            lines_total=format_money(lines_total),
            envelope_total=format_money(total),
        )
    envelope = BudgetEnvelope(
        decision=locked,
        description=text_checked(
            description, field="description", label="what the budget is for", limit=500
        ),
        funding_source=funding_source.strip(),
        total_pence=total,
    )
    save_audited(envelope, user=user, reason="Budget envelope created")
    for position, spec in enumerate(lines, start=1):
        _line_create(
            user=user,
            envelope=envelope,
            spec=spec,
            set_by=locked,
            active=True,
            position=position,
            reason="Budget envelope created",
        )
    return envelope


@transaction.atomic
def envelope_set(
    *,
    user: User,
    decision: Decision,
    description: str,
    funding_source: str,
    total_pence: int,
    lines: Sequence[LineSpec],
    expected_version: int | None = None,
) -> BudgetEnvelope:
    """Write a draft's own budget: its envelope, lines and allocations, replacing any
    earlier version (a draft's money is not yet anyone's commitment)."""
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    description, funding_source = description.strip(), funding_source.strip()
    if not description:
        raise DomainError(
            Messages.TEXT_REQUIRED, field="description", label="what the budget is for"
        )
    if not funding_source:
        raise DomainError(
            Messages.TEXT_REQUIRED, field="funding_source", label="the funding source"
        )
    total = _amount(total_pence, field="total", positive=True)
    if not lines:
        raise DomainError(Messages.BUDGET_NO_LINES, field="lines")
    lines_total = sum(
        _amount(spec.amount_pence, field=f"line-{i}-amount") for i, spec in enumerate(lines)
    )
    if lines_total != total:
        raise DomainError(
            Messages.LINES_UNBALANCED,
            field="total",
            lines_total=format_money(lines_total),
            envelope_total=format_money(total),
        )
    envelope = BudgetEnvelope.objects.filter(decision=locked).first() or BudgetEnvelope(
        decision=locked
    )
    envelope.description, envelope.funding_source = description, funding_source
    envelope.total_pence = total
    save_audited(envelope, user=user, reason="Budget saved")
    for old in envelope.lines.filter(set_by=locked):
        for allocation in old.allocations.all():
            delete_audited(allocation, user=user, reason="Budget replaced")
        delete_audited(old, user=user, reason="Budget replaced")
    for index, spec in enumerate(lines):
        _line_create(
            user=user,
            envelope=envelope,
            spec=spec,
            set_by=locked,
            active=True,
            position=index + 1,
            reason="Budget saved",
            field_prefix=f"line-{index}-",
        )
    decision_touch(locked, user=user, reason="Budget saved")
    return envelope


@transaction.atomic
def budget_movement_remove(
    *, user: User, movement: BudgetMovement, expected_version: int | None = None
) -> None:
    """Drop a proposed move (and the line it would create) from a draft."""
    locked = decision_lock_for_edit(movement.decision, user=user, expected_version=expected_version)
    movement = (
        BudgetMovement.objects.select_related("target_line")
        .filter(pk=movement.pk, decision=locked, applied_at=None)
        .first()
    )
    if movement is None:
        raise DomainError(Messages.MOVE_ALREADY_APPLIED)
    target = movement.target_line
    delete_audited(movement, user=user, reason="Budget movement removed")
    for allocation in target.allocations.all():
        delete_audited(allocation, user=user, reason="Budget movement removed")
    delete_audited(target, user=user, reason="Budget movement removed")
    decision_touch(locked, user=user, reason="Budget movement removed")


@transaction.atomic
def allocation_create(
    *, user: User, line: BudgetLine, financial_year: int | str, amount_pence: int
) -> Allocation:
    decision_lock_for_edit(line.set_by, user=user)
    year = _financial_year(financial_year, field="financial_year")
    if line.allocations.filter(financial_year=year).exists():
        raise DomainError(
            Messages.FINANCIAL_YEAR_REPEATED,
            field="financial_year",
            year=format_financial_year(year),
        )
    allocation = Allocation(
        line=line, financial_year=year, amount_pence=_amount(amount_pence, field="amount")
    )
    save_audited(allocation, user=user, reason=f"Allocation {format_financial_year(year)} added")
    return allocation


@transaction.atomic
def budget_movement_propose(
    *,
    user: User,
    decision: Decision,
    source_line: BudgetLine,
    amount_pence: int,
    route: str,
    description: str = "",
    allocations: Mapping[int | str, int] | None = None,
    over_commitment_reason: str = "",
    expected_version: int | None = None,
) -> BudgetMovement:
    """Plan to move money from a line of an amended decision to a new line.

    Nothing moves until the amending decision is approved; until then the new
    line is inactive and the source line keeps its amount.
    """
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    source = (
        BudgetLine.objects.select_for_update().select_related("envelope").get(pk=source_line.pk)
    )
    amended = locked.links_out.filter(kind=LinkKind.AMENDS).values_list("target_id", flat=True)
    if source.envelope.decision_id not in set(amended) or not source.active:
        raise DomainError(Messages.MOVE_WRONG_ENVELOPE, field="source_line")
    amount = _amount(amount_pence, field="amount", positive=True)
    uncommitted = line_uncommitted_pence(source)
    reason = over_commitment_reason.strip()
    if amount > source.amount_pence or (amount > uncommitted and not reason):
        raise DomainError(
            Messages.MOVE_EXCEEDS_SOURCE,
            field="amount",
            amount=format_money(amount),
            available=format_money(max(uncommitted, 0)),
        )
    position = (source.envelope.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    target = _line_create(
        user=user,
        envelope=source.envelope,
        spec=LineSpec(
            route=route,
            amount_pence=amount,
            description=description,
            allocations=allocations or {},
        ),
        set_by=locked,
        active=False,
        position=position,
        reason=f"Proposed by {locked.reference or 'a draft'}",
    )
    movement = BudgetMovement(
        decision=locked,
        source_line=source,
        target_line=target,
        amount_pence=amount,
        over_commitment_reason=reason,
    )
    save_audited(movement, user=user, reason="Budget movement proposed")
    decision_touch(locked, user=user, reason="Budget movement proposed")
    return movement


@transaction.atomic
def budget_movements_apply(*, user: User, decision: Decision, at: dt.datetime) -> None:
    """Move the money of an approved amending decision (called at approval only)."""
    for movement in decision.budget_movements.select_for_update().filter(applied_at=None):
        source = BudgetLine.objects.select_for_update().get(pk=movement.source_line_id)
        if movement.amount_pence > source.amount_pence:
            raise DomainError(
                Messages.MOVE_EXCEEDS_SOURCE,
                amount=format_money(movement.amount_pence),
                available=format_money(source.amount_pence),
            )
        reason = f"{format_money(movement.amount_pence)} moved by {decision.reference}"
        source.amount_pence -= movement.amount_pence
        save_audited(source, user=user, reason=reason)
        target = movement.target_line
        target.active = True
        save_audited(target, user=user, reason=reason)
        movement.applied_at = at
        save_audited(movement, user=user, reason=reason)


@transaction.atomic
def commitment_create(
    *,
    user: User,
    line: BudgetLine,
    kind: str,
    counterparty: str,
    max_value_pence: int,
    awarded_on: dt.date | None = None,
    authorised_by: Decision | None = None,
    description: str = "",
    route: str | None = None,
) -> Commitment:
    """Record a contract or grant awarded against an approved decision's line.

    Records managers may record against any line; officers only against lines of
    decisions they drafted. Over-commitment is allowed (reality sometimes is) and
    shown as a warning with the figures on every report.
    """
    line = BudgetLine.objects.select_related("set_by").get(pk=line.pk)
    decision = line.set_by
    drafter = decision.drafted_by_id == user.pk or decision.shared_with.filter(pk=user.pk).exists()
    if not (
        user.has_perm("decisions.manage_records")
        or (drafter and user.has_perm("decisions.draft_decision"))
    ):
        raise DomainError(Messages.COMMITMENT_NOT_ALLOWED)
    if decision.state != "approved" or not line.active:
        raise DomainError(Messages.COMMITMENT_LINE_NOT_APPROVED, field="line")
    commitment = Commitment(
        line=line,
        kind=CommitmentKind(kind),
        route=_route(route or line.route),
        counterparty=text_checked(
            counterparty, field="counterparty", label="who it is awarded to", limit=300
        ),
        description=text_checked(
            description, field="description", label="the description", limit=2_000, required=False
        ),
        max_value_pence=_amount(max_value_pence, field="max_value"),
        awarded_on=awarded_on,
        authorised_by=authorised_by,
    )
    save_audited(commitment, user=user, reason=f"Commitment to {commitment.counterparty}")
    return commitment
