"""Reads for open data: published decisions only, through the published selectors
(`published_decisions()`, `published_decision_by_slug()`), never Part 2."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from decisions.models import Decision
from decisions.selectors import published_decision_by_slug, published_decisions
from decisions.selectors.search import Filters, filter_published, published_count
from funding.models import Allocation
from funding.selectors import decision_value_pence, with_value


def signed_on(decision: Decision) -> date:
    # Approval is the final approver's signature, so its date is the date signed.
    return timezone.localtime(decision.approved_at).date()


def api_rows() -> QuerySet[Decision]:
    """Published decisions with `value_pence`: what a page of the API reads its rows
    from once their keys are known (DecisionPaginator's `rows`)."""
    return with_value(published_decisions())


def _filters(params: dict[str, Any]) -> Filters:
    """The list page's filters the API shares (its value range is its own)."""
    return Filters(
        q=params.get("q") or "",
        year=params.get("year"),
        type_code=params.get("type") or "",
        financial_year=params.get("financial_year"),
    )


def api_count(params: dict[str, Any]) -> int | None:
    """The number of decisions `params` leave, when known without counting them
    (`published_count`: no search, year, financial year or value range)."""
    if params.get("min_value") is not None or params.get("max_value") is not None:
        return None
    return published_count(_filters(params))


def api_decisions(params: dict[str, Any]) -> QuerySet[Decision]:
    """Published decisions with `value_pence`, filtered the way the public list
    filters (same selector, so the API and the list page agree), then by the API's
    own value range in pence."""
    queryset = filter_published(api_rows(), _filters(params))
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


def published_on_expression() -> Case:
    """`Decision.published_on` in SQL: the later of the day approved (in the site's
    time zone) and, for a deferred decision, the deferral date; for an archived
    record, the date it was published (null when not recorded)."""
    approved_on = TruncDate("approved_at", tzinfo=timezone.get_current_timezone())
    return Case(
        When(archived_record__isnull=False, then=F("archived_record__date_published")),
        When(
            Q(deferred=True, deferred_until__isnull=False),
            then=Greatest(approved_on, F("deferred_until")),
        ),
        default=approved_on,
        output_field=DateField(),
    )


# The open data CSVs: plain value rows, read from a server-side cursor as they are
# written out, so neither the decisions nor their ~40 KB search columns are ever
# held in memory all at once (issue 12: 100,000 decisions ran out of memory).


def decisions_csv_rows() -> QuerySet:
    """(code, number, title, approved_at, published_on, value_pence, archived id,
    archived date signed) of every published decision, newest signed first: one query."""
    return (
        with_value(published_decisions())
        .annotate(published_on=published_on_expression())
        .values_list(
            "decision_type__code",
            "reference_number",
            "title",
            "approved_at",
            "published_on",
            "value_pence",
            "archived_record__id",
            "archived_record__date_signed",
        )
    )


def allocations_csv_rows() -> QuerySet:
    """(code, number, route, financial_year, amount_pence) of every allocation of a line
    set by a published decision: decisions newest signed first, then their lines in
    envelope order, then financial years. One query."""
    return (
        Allocation.objects.filter(line__set_by__in=published_decisions().values("pk"))
        .order_by(
            # As published_decisions() orders them.
            "-line__set_by__approved_at",
            "-line__set_by_id",
            "line__envelope_id",
            "line__position",
            "line_id",
            "financial_year",
        )
        .values_list(
            "line__set_by__decision_type__code",
            "line__set_by__reference_number",
            "line__route",
            "financial_year",
            "amount_pence",
        )
    )
