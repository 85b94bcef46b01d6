"""Funding reports: each envelope as amended (lines, commitments, headroom) and
allocations per UK financial year. Public variants pass published decisions only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, Sum

from core.financial_years import format_financial_year
from decisions.models import Decision
from funding.models import (
    Allocation,
    BudgetEnvelope,
    BudgetLine,
    BudgetMovementYear,
    Commitment,
)


@dataclass(frozen=True)
class YearAmount:
    financial_year: int
    amount_pence: int

    @property
    def financial_year_label(self) -> str:
        return format_financial_year(self.financial_year)


@dataclass(frozen=True)
class LineReport:
    line: BudgetLine
    set_by: Decision
    amount_pence: int
    committed_pence: int
    commitments: list[Commitment]
    allocations: list[YearAmount]

    @property
    def headroom_pence(self) -> int:
        return self.amount_pence - self.committed_pence

    @property
    def over_committed_by(self) -> int:
        return max(0, -self.headroom_pence)


@dataclass(frozen=True)
class EnvelopeReport:
    envelope: BudgetEnvelope
    lines: list[LineReport]
    # The decisions that shaped the envelope, in the order they were approved.
    shaped_by: list[Decision]

    @property
    def total_pence(self) -> int:
        return self.envelope.total_pence

    @property
    def committed_pence(self) -> int:
        return sum(line.committed_pence for line in self.lines)

    @property
    def headroom_pence(self) -> int:
        return self.total_pence - self.committed_pence


def envelope_report(envelope: BudgetEnvelope, *, visible: QuerySet[Decision]) -> EnvelopeReport:
    """The envelope as amended by every decision in `visible` (published, for the public).

    Lines proposed by decisions that are not visible (drafts, unpublished) are left
    out, and so is any money they moved.
    """
    visible_ids = set(visible.values_list("pk", flat=True))
    lines = (
        envelope.lines.active()
        .select_related("set_by__decision_type")
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("awarded_on", "pk")),
            Prefetch("allocations", queryset=Allocation.objects.order_by("financial_year")),
            "movements_out__decision",
            "movements_out__years",
        )
        .order_by("position")
    )
    reports = []
    for line in lines:
        if line.set_by_id not in visible_ids:
            continue
        # Money moved out by a decision the reader may not see yet stays in the line.
        hidden = [
            m for m in line.movements_out.all() if m.applied_at and m.decision_id not in visible_ids
        ]
        hidden_moves = sum(m.amount_pence for m in hidden)
        by_year = {a.financial_year: a.amount_pence for a in line.allocations.all()}
        for year in (year for m in hidden for year in m.years.all()):
            by_year[year.financial_year] = by_year.get(year.financial_year, 0) + year.amount_pence
        commitments = list(line.commitments.all())
        reports.append(
            LineReport(
                line=line,
                set_by=line.set_by,
                amount_pence=line.amount_pence + hidden_moves,
                committed_pence=sum(c.max_value_pence for c in commitments),
                commitments=commitments,
                allocations=[YearAmount(year, pence) for year, pence in sorted(by_year.items())],
            )
        )
    shaped = {envelope.decision_id} | {r.set_by.pk for r in reports}
    shaped_by = list(
        Decision.objects.filter(pk__in=shaped & visible_ids)
        .with_type()
        .order_by("approved_at", "pk")
    )
    return EnvelopeReport(envelope=envelope, lines=reports, shaped_by=shaped_by)


def envelope_for_decision(decision: Decision) -> BudgetEnvelope | None:
    return BudgetEnvelope.objects.filter(decision=decision).first()


@dataclass
class YearRow:
    year: int
    total_pence: int = 0
    by_decision: dict[int, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return format_financial_year(self.year)


@dataclass(frozen=True)
class YearReport:
    rows: list[YearRow]
    decisions: list[Decision]

    @property
    def total_pence(self) -> int:
        return sum(row.total_pence for row in self.rows)

    @property
    def largest_pence(self) -> int:
        return max((row.total_pence for row in self.rows), default=0)


def financial_year_report(decisions: QuerySet[Decision]) -> YearReport:
    """Allocations per financial year across the given (approved) decisions' lines."""
    totals = (
        Allocation.objects.filter(line__set_by__in=decisions, line__active=True)
        .values("financial_year", "line__set_by")
        .annotate(total=Sum("amount_pence"))
        .order_by("financial_year")
    )
    # Money that a decision not among these moved out stays where they show it.
    hidden_moves = (
        BudgetMovementYear.objects.filter(
            movement__source_line__set_by__in=decisions,
            movement__source_line__active=True,
            movement__applied_at__isnull=False,
        )
        .exclude(movement__decision__in=decisions)
        .values("financial_year", "movement__source_line__set_by")
        .annotate(total=Sum("amount_pence"))
    )
    entries = [(e["financial_year"], e["line__set_by"], e["total"]) for e in totals] + [
        (e["financial_year"], e["movement__source_line__set_by"], e["total"]) for e in hidden_moves
    ]
    rows: dict[int, YearRow] = {}
    decision_ids: set[int] = set()
    for year, decision_id, pence in entries:
        row = rows.setdefault(year, YearRow(year))
        row.total_pence += pence
        row.by_decision[decision_id] = row.by_decision.get(decision_id, 0) + pence
        decision_ids.add(decision_id)
    listed = list(
        Decision.objects.filter(pk__in=decision_ids).with_type().order_by("approved_at", "pk")
    )
    return YearReport(rows=[rows[year] for year in sorted(rows)], decisions=listed)
