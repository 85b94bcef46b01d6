"""A decision's own budget: its envelope, lines and their allocations by year."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.financial_years import format_financial_year
from core.money import format_money
from decisions.models import Decision
from decisions.services.drafting import decision_lock_for_edit, decision_touch, text_checked
from funding.models import Allocation, BudgetEnvelope, BudgetLine
from funding.services.validation import (
    LineSpec,
    budget_version_check,
    checked_allocations,
    checked_amount,
    checked_financial_year,
    checked_route,
)


def line_create(
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
    """A line and its allocations (the caller holds the decision's edit lock)."""
    route = checked_route(spec.route)
    amount = checked_amount(spec.amount_pence, field=f"{field_prefix}amount", positive=True)
    allocations = checked_allocations(
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
    total = checked_amount(total_pence, field="total", positive=True)
    lines_total = sum(checked_amount(spec.amount_pence, field="amount") for spec in lines)
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
        funding_source=text_checked(
            funding_source, field="funding_source", label="the funding source", limit=300
        ),
        total_pence=total,
    )
    save_audited(envelope, user=user, reason="Budget envelope created")
    for position, spec in enumerate(lines, start=1):
        line_create(
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
    expected_version: str | None = None,
) -> BudgetEnvelope:
    """Write a draft's own budget: its envelope, lines and allocations, replacing any
    earlier version (a draft's money is not yet anyone's commitment)."""
    locked = decision_lock_for_edit(decision, user=user)
    budget_version_check(locked, expected_version)
    description = text_checked(
        description, field="description", label="what the budget is for", limit=500
    )
    funding_source = text_checked(
        funding_source, field="funding_source", label="the funding source", limit=300
    )
    total = checked_amount(total_pence, field="total", positive=True)
    if not lines:
        raise DomainError(Messages.BUDGET_NO_LINES, field="lines")
    lines_total = sum(
        checked_amount(spec.amount_pence, field=f"line-{i}-amount") for i, spec in enumerate(lines)
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
        line_create(
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
def allocation_create(
    *, user: User, line: BudgetLine, financial_year: int | str, amount_pence: int
) -> Allocation:
    locked = decision_lock_for_edit(line.set_by, user=user)
    year = checked_financial_year(financial_year, field="financial_year")
    if line.allocations.filter(financial_year=year).exists():
        raise DomainError(
            Messages.FINANCIAL_YEAR_REPEATED,
            field="financial_year",
            year=format_financial_year(year),
        )
    allocation = Allocation(
        line=line, financial_year=year, amount_pence=checked_amount(amount_pence, field="amount")
    )
    reason = f"Allocation {format_financial_year(year)} added"
    save_audited(allocation, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return allocation
