"""Money an amending decision moves from a line of a decision it amends to a new line.

Moving, not copying: nothing moves until the amending decision is approved. Where
the source line has allocations by financial year, the move takes its money from
the years of the new line's allocations, the same amount from each, so that the
source's allocations still add up to the line afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max, Sum

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.financial_years import format_financial_year
from core.money import format_money
from decisions.models import Decision, LinkKind
from decisions.services.drafting import decision_lock_for_edit, decision_touch, text_checked
from funding.models import Allocation, BudgetLine, BudgetMovement, BudgetMovementYear
from funding.selectors import line_uncommitted_pence
from funding.services.budgets import line_create
from funding.services.validation import (
    LineSpec,
    budget_version_check,
    checked_allocations,
    checked_amount,
    checked_route,
)


def _years_taken(
    *, decision: Decision, source: BudgetLine, new_allocations: dict[int, int]
) -> dict[int, int]:
    """Financial year -> pence the move takes out of the source line's allocations.

    Empty when the source line has no allocations (its money has no years). Else the
    new line's years, each refused if the source has not enough left in that year
    (after the other moves this draft already plans from the same line).
    """
    held = dict(source.allocations.values_list("financial_year", "amount_pence"))
    if not held:
        return {}
    if not new_allocations:
        raise DomainError(Messages.MOVE_YEARS_REQUIRED, field="financial_year")
    planned = dict(
        BudgetMovementYear.objects.filter(
            movement__decision=decision, movement__source_line=source, movement__applied_at=None
        )
        .values("financial_year")
        .annotate(total=Sum("amount_pence"))
        .values_list("financial_year", "total")
    )
    for year, pence in new_allocations.items():
        available = held.get(year, 0) - planned.get(year, 0)
        if pence > available:
            raise DomainError(
                Messages.MOVE_YEAR_EXCEEDS_SOURCE,
                field="financial_year",
                year=format_financial_year(year),
                amount=format_money(pence),
                available=format_money(max(available, 0)),
            )
    return {year: pence for year, pence in new_allocations.items() if pence}


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
    expected_version: str | None = None,
) -> BudgetMovement:
    """Plan to move money from a line of an amended decision to a new line.

    Nothing moves until the amending decision is approved; until then the new
    line is inactive and the source line keeps its amount and allocations.
    """
    locked = decision_lock_for_edit(decision, user=user)
    budget_version_check(locked, expected_version)
    source = (
        BudgetLine.objects.select_for_update().select_related("envelope").get(pk=source_line.pk)
    )
    amended = locked.links_out.filter(kind=LinkKind.AMENDS).values_list("target_id", flat=True)
    if source.envelope.decision_id not in set(amended) or not source.active:
        raise DomainError(Messages.MOVE_WRONG_ENVELOPE, field="source_line")
    amount = checked_amount(amount_pence, field="amount", positive=True)
    uncommitted = line_uncommitted_pence(source)
    reason = text_checked(
        over_commitment_reason,
        field="over_commitment_reason",
        label="the reason",
        limit=2_000,
        required=False,
    )
    if amount > source.amount_pence or (amount > uncommitted and not reason):
        raise DomainError(
            Messages.MOVE_EXCEEDS_SOURCE,
            field="amount",
            amount=format_money(amount),
            available=format_money(max(uncommitted, 0)),
        )
    new_allocations = checked_allocations(
        allocations or {}, line_amount=amount, line_label=checked_route(route).label
    )
    taken = _years_taken(decision=locked, source=source, new_allocations=new_allocations)
    position = (source.envelope.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    target = line_create(
        user=user,
        envelope=source.envelope,
        spec=LineSpec(
            route=route, amount_pence=amount, description=description, allocations=new_allocations
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
    for year, pence in taken.items():
        save_audited(
            BudgetMovementYear(movement=movement, financial_year=year, amount_pence=pence),
            user=user,
            reason="Budget movement proposed",
        )
    decision_touch(locked, user=user, reason="Budget movement proposed")
    return movement


@transaction.atomic
def budget_movement_remove(
    *, user: User, movement: BudgetMovement, expected_version: str | None = None
) -> None:
    """Drop a proposed move (and the line it would create) from a draft."""
    locked = decision_lock_for_edit(movement.decision, user=user)
    budget_version_check(locked, expected_version)
    movement = (
        BudgetMovement.objects.select_related("target_line")
        .filter(pk=movement.pk, decision=locked, applied_at=None)
        .first()
    )
    if movement is None:
        raise DomainError(Messages.MOVE_ALREADY_APPLIED)
    target = movement.target_line
    for year in movement.years.all():
        delete_audited(year, user=user, reason="Budget movement removed")
    delete_audited(movement, user=user, reason="Budget movement removed")
    for allocation in target.allocations.all():
        delete_audited(allocation, user=user, reason="Budget movement removed")
    delete_audited(target, user=user, reason="Budget movement removed")
    decision_touch(locked, user=user, reason="Budget movement removed")


# No savepoint within the approval's transaction (two statements under its row lock):
# a refusal here fails the whole approval anyway.
@transaction.atomic(savepoint=False)
def budget_movements_apply(*, user: User, decision: Decision, at: dt.datetime) -> None:
    """Move the money of an approved amending decision (called at approval only).

    The source line shrinks by the move, and each of its allocations by the move's
    amount for that year, so that they still add up to the line.
    """
    for movement in decision.budget_movements.select_for_update().filter(applied_at=None):
        source = BudgetLine.objects.select_for_update().get(pk=movement.source_line_id)
        if movement.amount_pence > source.amount_pence:
            raise DomainError(
                Messages.MOVE_EXCEEDS_SOURCE,
                amount=format_money(movement.amount_pence),
                available=format_money(source.amount_pence),
            )
        reason = f"{format_money(movement.amount_pence)} moved by {decision.reference}"
        held = {
            allocation.financial_year: allocation
            for allocation in Allocation.objects.select_for_update().filter(line=source)
        }
        taken = {year.financial_year: year.amount_pence for year in movement.years.all()}
        if held and sum(taken.values()) != movement.amount_pence:
            raise DomainError(Messages.MOVE_YEARS_REQUIRED)
        for year, pence in sorted(taken.items()):
            allocation = held.get(year)
            available = allocation.amount_pence if allocation else 0
            if pence > available:
                raise DomainError(
                    Messages.MOVE_YEAR_EXCEEDS_SOURCE,
                    year=format_financial_year(year),
                    amount=format_money(pence),
                    available=format_money(available),
                )
            allocation.amount_pence -= pence
            save_audited(allocation, user=user, reason=reason)
        source.amount_pence -= movement.amount_pence
        save_audited(source, user=user, reason=reason)
        target = movement.target_line
        target.active = True
        save_audited(target, user=user, reason=reason)
        movement.applied_at = at
        save_audited(movement, user=user, reason=reason)
