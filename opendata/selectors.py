"""Reads for open data: published decisions only, through the published selectors
(`published_decisions()`, `published_decision_by_slug()`), never Part 2."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from decisions.models import Decision
from decisions.selectors import published_decision_by_slug, published_decisions
from decisions.selectors.search import Filters, filter_published
from funding.models import BudgetLine
from funding.selectors import decision_value_pence, with_value


def signed_on(decision: Decision) -> date:
    # Approval is the final approver's signature, so its date is the date signed.
    return timezone.localtime(decision.approved_at).date()


def api_decisions(params: dict[str, Any]) -> QuerySet[Decision]:
    """Published decisions with `value_pence`, filtered the way the public list
    filters (same selector, so the API and the list page agree), then by the API's
    own value range in pence."""
    queryset = filter_published(
        with_value(published_decisions()),
        Filters(
            q=params.get("q") or "",
            year=params.get("year"),
            type_code=params.get("type") or "",
            financial_year=params.get("financial_year"),
        ),
    )
    if params.get("min_value") is not None:
        queryset = queryset.filter(value_pence__gte=params["min_value"])
    if params.get("max_value") is not None:
        queryset = queryset.filter(value_pence__lte=params["max_value"])
    return queryset


def api_decision(slug: str) -> Decision | None:
    """One published decision with its content prefetched and `value_pence` set."""
    decision = published_decision_by_slug(slug)
    if decision is not None:
        decision.value_pence = decision_value_pence(decision)
    return decision


def published_with_lines() -> QuerySet[Decision]:
    """Published decisions with the lines they set and their allocations (3 queries)."""
    lines = BudgetLine.objects.order_by("envelope_id", "position").prefetch_related("allocations")
    return published_decisions().prefetch_related(Prefetch("budget_lines_set", queryset=lines))


def published_with_value() -> QuerySet[Decision]:
    return with_value(published_decisions())
