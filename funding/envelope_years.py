"""The spending report per budget (envelope), beside the totals of funding/year_report.py:
the largest budgets split by financial year (to choose one, so that a single large
budget does not hide the others), the budgets with money not split by year (which the
yearly totals cannot show), and one budget's years, line by line.

Each list is one aggregate query with a limit, kept in the cache with the report's
own key (the data it is made from is the same): bounded at 100,000 decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum

from core.financial_years import format_financial_year
from decisions.models import Decision
from funding.models import Allocation, BudgetLine
from funding.reports import EnvelopeReport
from funding.year_report import CACHE_SECONDS, _cache_key, in_visible

LARGEST_SHOWN = 10
UNSPLIT_SHOWN = 20


@dataclass(frozen=True)
class EnvelopeTotal:
    reference: str
    slug: str
    title: str
    description: str
    total_pence: int
    # Of the total: what the chosen lines hold (split by year, or not).
    pence: int


@dataclass(frozen=True)
class EnvelopeLists:
    largest: list[EnvelopeTotal]
    unsplit: list[EnvelopeTotal]
    # Every budget with money not split by year, and that money, beyond those listed.
    unsplit_count: int
    unsplit_pence: int

    @property
    def unsplit_more(self) -> int:
        return self.unsplit_count - len(self.unsplit)

    @property
    def unsplit_more_pence(self) -> int:
        return self.unsplit_pence - sum(each.pence for each in self.unsplit)


def envelope_lists(decisions: QuerySet[Decision]) -> EnvelopeLists:
    key = f"{_cache_key(decisions)}:envelopes"
    lists = cache.get(key)
    if lists is None:
        lists = _envelope_lists(decisions)
        cache.set(key, lists, CACHE_SECONDS)
    return lists


def _lines(decisions: QuerySet[Decision], *, split: bool) -> QuerySet[BudgetLine]:
    """Active lines of the budgets of these decisions, set by one of them, with (or
    without) allocations by year."""
    has_years = Exists(Allocation.objects.filter(line=OuterRef("pk")))
    lines = BudgetLine.objects.filter(
        in_visible(decisions, "envelope__decision_id"), in_visible(decisions, "set_by_id"),
        active=True,
    )  # fmt: skip
    return lines.filter(has_years if split else ~has_years)


def _by_envelope(lines: QuerySet[BudgetLine], limit: int) -> list[EnvelopeTotal]:
    rows = (
        lines.values("envelope")
        .annotate(
            pence=Sum("amount_pence"),
            code=F("envelope__decision__decision_type__code"),
            number=F("envelope__decision__reference_number"),
            title=F("envelope__decision__title"),
            description=F("envelope__description"),
            total=F("envelope__total_pence"),
        )
        .order_by("-pence", "envelope")[:limit]
    )
    return [
        EnvelopeTotal(
            reference=f"{row['code']} {row['number']}",
            slug=f"{row['code'].lower()}-{row['number']}",
            title=row["title"],
            description=row["description"],
            total_pence=row["total"],
            pence=row["pence"],
        )
        for row in rows
    ]


def _envelope_lists(decisions: QuerySet[Decision]) -> EnvelopeLists:
    unsplit = _lines(decisions, split=False)
    summary = unsplit.aggregate(count=Count("envelope", distinct=True), pence=Sum("amount_pence"))
    return EnvelopeLists(
        largest=_by_envelope(_lines(decisions, split=True), LARGEST_SHOWN),
        unsplit=_by_envelope(unsplit, UNSPLIT_SHOWN),
        unsplit_count=summary["count"] or 0,
        unsplit_pence=summary["pence"] or 0,
    )


@dataclass(frozen=True)
class EnvelopeYear:
    year: int
    # Pence by line, in the order of EnvelopeYears.lines.
    by_line: tuple[int, ...]

    @property
    def label(self) -> str:
        return format_financial_year(self.year)

    @property
    def total_pence(self) -> int:
        return sum(self.by_line)


@dataclass(frozen=True)
class EnvelopeYears:
    report: EnvelopeReport
    rows: list[EnvelopeYear]
    # The lines with a yearly split, and what the others hold.
    lines: list
    unsplit_pence: int

    @property
    def total_pence(self) -> int:
        return sum(row.total_pence for row in self.rows)

    @property
    def largest_pence(self) -> int:
        return max((row.total_pence for row in self.rows), default=0)

    def line_totals(self) -> list[int]:
        return [sum(row.by_line[i] for row in self.rows) for i in range(len(self.lines))]


def envelope_years(report: EnvelopeReport) -> EnvelopeYears:
    """One budget by financial year, from its report (no further query)."""
    split = [line for line in report.lines if line.allocations]
    years = sorted({a.financial_year for line in split for a in line.allocations})
    amounts = [{a.financial_year: a.amount_pence for a in line.allocations} for line in split]
    rows = [
        EnvelopeYear(year=year, by_line=tuple(each.get(year, 0) for each in amounts))
        for year in years
    ]
    unsplit = sum(line.amount_pence for line in report.lines if not line.allocations)
    return EnvelopeYears(report=report, rows=rows, lines=split, unsplit_pence=unsplit)
