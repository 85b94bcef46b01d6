"""Checks shared by every funding write: money, financial years, routes, allocations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.errors import DomainError, Messages
from core.financial_years import format_financial_year, parse_financial_year
from core.money import MAX_PENCE, format_money
from decisions.services.drafting import version_check
from funding.models import ProcurementRoute
from funding.selectors import budget_version


@dataclass(frozen=True)
class LineSpec:
    route: str
    amount_pence: int
    description: str = ""
    # Financial year (start year or "2024/25") -> pence.
    allocations: Mapping[int | str, int] = field(default_factory=dict)


def checked_amount(pence: int, *, field: str, positive: bool = False) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise DomainError(Messages.MONEY_INVALID, field=field)
    if pence < 0:
        raise DomainError(Messages.MONEY_NEGATIVE, field=field)
    if positive and pence == 0:
        raise DomainError(Messages.MONEY_NOT_POSITIVE, field=field)
    if pence >= MAX_PENCE:
        raise DomainError(Messages.MONEY_TOO_LARGE, field=field)
    return pence


def checked_financial_year(value: int | str, *, field: str) -> int:
    if isinstance(value, int):
        value = format_financial_year(value)
    return parse_financial_year(value, field=field)


def checked_allocations(
    allocations: Mapping[int | str, int],
    *,
    line_amount: int,
    line_label: str,
    field_prefix: str = "",
) -> dict[int, int]:
    """Validate a line's allocations: real, unrepeated years summing to the line."""
    checked: dict[int, int] = {}
    for raw_year, pence in allocations.items():
        year = checked_financial_year(raw_year, field="financial_year")
        if year in checked:
            raise DomainError(
                Messages.FINANCIAL_YEAR_REPEATED,
                field="financial_year",
                year=format_financial_year(year),
            )
        checked[year] = checked_amount(pence, field="amount")
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


def checked_route(route: str) -> ProcurementRoute:
    try:
        return ProcurementRoute(route)
    except ValueError as error:
        raise DomainError(
            Messages.FIELD_INVALID, field="route", detail="Choose a procurement route."
        ) from error


def budget_version_check(decision, expected_version: str | None) -> None:
    """Refuse a budget edit built from an older budget (another tab or officer saved
    the budget since). Edits elsewhere in the decision are no conflict."""
    version_check(expected=expected_version, current=budget_version(decision), what="The budget")
