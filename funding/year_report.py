"""Allocations by UK financial year (the spending report; funding/reports.py exports
it): totals and counts by year and by decision type, and each year's largest
decisions, aggregated by the database whatever the number of decisions (one column
per decision made 45 MB of HTML at 100,000). The result is kept in the cache until
the data it is made from changes (see `_cache_key`): aggregating every allocation of
100,000 decisions takes longer than the page may.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import RowNumber

from core.financial_years import format_financial_year
from decisions.models import Decision, DecisionType
from decisions.selectors import decision_types
from funding.models import Allocation, BudgetLine, BudgetMovement, BudgetMovementYear

TOP_PER_YEAR = 5
# What the report is made from: a change to any of them ends the cached copy.
AUDITED = (Decision, DecisionType, BudgetLine, Allocation, BudgetMovement, BudgetMovementYear)
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class TopDecision:
    pk: int
    reference: str
    slug: str
    title: str
    amount_pence: int
    # Published, so its public page may be linked (else, in an internal report, its
    # history page).
    public: bool


@dataclass(frozen=True)
class YearRow:
    year: int
    total_pence: int
    # How many decisions have money in this year.
    decisions: int
    # Pence by decision type, in the order of YearReport.types.
    by_type: tuple[int, ...]
    largest: tuple[TopDecision, ...]

    @property
    def label(self) -> str:
        return format_financial_year(self.year)


@dataclass(frozen=True)
class TypeTotal:
    code: str
    total_pence: int
    # How many decisions of this type have money in any year.
    decisions: int


@dataclass(frozen=True)
class YearReport:
    rows: list[YearRow]
    types: list[TypeTotal]

    @property
    def total_pence(self) -> int:
        return sum(row.total_pence for row in self.rows)

    @property
    def decisions(self) -> int:
        return sum(each.decisions for each in self.types)

    @property
    def largest_pence(self) -> int:
        return max((row.total_pence for row in self.rows), default=0)


def in_visible(visible: QuerySet[Decision], field: str) -> Exists:
    """Whether the decision `field` names is in `visible`: EXISTS, so PostgreSQL looks
    each one up by its key (NOT IN a subquery would read every visible decision)."""
    return Exists(visible.order_by().filter(pk=OuterRef(field)))


def financial_year_report(decisions: QuerySet[Decision]) -> YearReport:
    """Allocations per financial year across the given (approved) decisions' lines."""
    key = _cache_key(decisions)
    report = cache.get(key)
    if report is None:
        report = _Totals(decisions).report()
        cache.set(key, report, CACHE_SECONDS)
    return report


def _cache_key(decisions: QuerySet[Decision]) -> str:
    """Which decisions (the queryset's SQL: it holds today's date, and for an internal
    report the reader and the states their roles see) as of which data (the newest
    history row of every table the report reads). Every change goes through a
    service that writes a history row (DESIGN.md: never bypassed), so an approval,
    a withdrawal or a move makes a new key, and so does the day a deferral ends."""
    sql, params = decisions.order_by().values("pk").query.sql_with_params()
    newest = {
        model.__name__: Subquery(
            model.history.model.objects.order_by("-history_id").values("history_id")[:1]
        )
        for model in AUDITED
    }
    # One query: any one row to hang the six lookups on (no decision type, no data).
    version = list(DecisionType.objects.annotate(**newest).values_list(*newest)[:1])
    digest = hashlib.sha256(repr((sql, params, version)).encode()).hexdigest()
    return f"funding:financial-years:{digest}"


class _Totals:
    """The report's figures, from a fixed number of aggregate queries."""

    def __init__(self, decisions: QuerySet[Decision]) -> None:
        self.decisions = decisions
        self.allocations = _allocations(decisions)
        self.pence: dict[tuple[int, str], int] = defaultdict(int)  # (year, type)
        self.counts: dict[tuple[int, str], int] = defaultdict(int)  # (year, type)
        self.type_counts: dict[str, int] = defaultdict(int)
        # Each year's candidates for its largest decisions: decision id -> pence.
        self.candidates: dict[int, dict[int, int]] = defaultdict(dict)

    def report(self) -> YearReport:
        code = F("line__set_by__decision_type__code")
        spending = Count("line__set_by", distinct=True, filter=Q(amount_pence__gt=0))
        by_year = self.allocations.values("financial_year", type_code=code).order_by()
        for row in by_year.annotate(total=Sum("amount_pence"), count=spending):
            key = (row["financial_year"], row["type_code"])
            self.pence[key] += row["total"]
            self.counts[key] += row["count"]
        for row in self.allocations.values(type_code=code).order_by().annotate(count=spending):
            self.type_counts[row["type_code"]] += row["count"]
        for row in self._largest_by_year():
            self.candidates[row["financial_year"]][row["decision"]] = row["total"]
        self._add_hidden_moves()
        return self._assemble()

    def _per_decision(self) -> QuerySet:
        # No ordering: Allocation's default one (by line) would split the groups by line.
        return (
            self.allocations.values("financial_year", decision=F("line__set_by"))
            .annotate(total=Sum("amount_pence"))
            .order_by()
        )

    def _largest_by_year(self) -> QuerySet:
        return (
            self._per_decision()
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("financial_year"),
                    order_by=[F("total").desc(), F("decision").asc()],
                )
            )
            .filter(rank__lte=TOP_PER_YEAR)
        )

    def _add_hidden_moves(self) -> None:
        """Money moved back (see _moved_back): to its decision's year totals, and its
        decision a candidate for the year's largest with its whole amount."""
        moved = _moved_back(self.decisions)
        if not moved:
            return
        # What those few decisions hold in each year without the money moved back.
        held = {
            (row["financial_year"], row["decision"]): row["total"]
            for row in self._per_decision().filter(
                line__set_by__in={row["decision"] for row in moved}
            )
        }
        counted = {decision for (_, decision), pence in held.items() if pence > 0}
        for row in moved:
            year, decision, pence = row["financial_year"], row["decision"], row["total"]
            self.pence[(year, row["type_code"])] += pence
            if not held.get((year, decision)):
                self.counts[(year, row["type_code"])] += 1
            # It may now be among the year's largest (no other decision's amount grew).
            self.candidates[year][decision] = held.get((year, decision), 0) + pence
            if decision not in counted:
                counted.add(decision)
                self.type_counts[row["type_code"]] += 1

    def _assemble(self) -> YearReport:
        largest = {
            year: sorted(candidates.items(), key=lambda item: (-item[1], item[0]))[:TOP_PER_YEAR]
            for year, candidates in self.candidates.items()
        }
        decisions = self._top_decisions({pk for top in largest.values() for pk, _ in top})
        present = {code for _, code in self.pence}
        codes = [each.code for each in decision_types() if each.code in present]
        years = sorted({year for year, _ in self.pence})
        rows = [
            YearRow(
                year=year,
                total_pence=sum(self.pence.get((year, code), 0) for code in codes),
                decisions=sum(self.counts.get((year, code), 0) for code in codes),
                by_type=tuple(self.pence.get((year, code), 0) for code in codes),
                largest=tuple(
                    _top(decisions[pk], pence) for pk, pence in largest.get(year, []) if pence > 0
                ),
            )
            for year in years
        ]
        types = [
            TypeTotal(
                code=code,
                total_pence=sum(pence for (_, each), pence in self.pence.items() if each == code),
                decisions=self.type_counts.get(code, 0),
            )
            for code in codes
        ]
        return YearReport(rows=rows, types=types)

    def _top_decisions(self, pks: set[int]) -> dict[int, Decision]:
        published = Decision.objects.published().filter(pk=OuterRef("pk"))
        listed = (
            Decision.objects.filter(pk__in=pks)
            .with_type()
            .only("reference_number", "title", "decision_type__code")
            .annotate(public=Exists(published))
        )
        return {decision.pk: decision for decision in listed}


def _allocations(decisions: QuerySet[Decision]) -> QuerySet[Allocation]:
    return Allocation.objects.filter(
        line__active=True, line__set_by__in=decisions.order_by().values("pk")
    )


def _moved_back(decisions: QuerySet[Decision]) -> list[dict]:
    """Money that a decision not among these moved out of a line stays where they see
    it: in the line's own decision, in the years it was taken from (a move takes money
    only from years the line holds, so each of these has an allocation row). By year
    and decision: a few rows, from the moves of amendments the reader may not see."""
    moved = (
        BudgetMovementYear.objects.filter(
            movement__source_line__active=True,
            movement__source_line__set_by__in=decisions.order_by().values("pk"),
            movement__applied_at__isnull=False,
        )
        .exclude(in_visible(decisions, "movement__decision_id"))
        .values(
            "financial_year",
            decision=F("movement__source_line__set_by"),
            type_code=F("movement__source_line__set_by__decision_type__code"),
        )
        .annotate(total=Sum("amount_pence"))
        .order_by()
    )
    return list(moved)


def financial_year_amounts(decisions: QuerySet[Decision]) -> Iterator[tuple[int, str, int]]:
    """(financial year, reference, pence) for every decision with an allocation in a
    year: years in order, then decisions in the order they were approved. Summed by
    the database and read as they are written out (the CSV of the report)."""
    moved_back = _moved_back(decisions)
    moved = {(each["financial_year"], each["decision"]): each["total"] for each in moved_back}
    rows = (
        _allocations(decisions)
        .values(
            "financial_year",
            decision=F("line__set_by"),
            code=F("line__set_by__decision_type__code"),
            number=F("line__set_by__reference_number"),
            approved_at=F("line__set_by__approved_at"),
        )
        .annotate(total=Sum("amount_pence"))
        .order_by("financial_year", "approved_at", "decision")
    )
    for row in rows.iterator(chunk_size=2_000):
        year, decision = row["financial_year"], row["decision"]
        yield year, f"{row['code']} {row['number']}", row["total"] + moved.get((year, decision), 0)


def _top(decision: Decision, pence: int) -> TopDecision:
    return TopDecision(
        pk=decision.pk,
        reference=decision.reference,
        slug=decision.slug,
        title=decision.title,
        amount_pence=pence,
        public=decision.public,
    )
