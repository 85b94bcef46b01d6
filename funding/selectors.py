"""Reads of funding data: headroom, the budget table of a decision, digest content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core.financial_years import format_financial_year
from decisions.models import Decision
from decisions.selectors.versions import fingerprint
from funding.models import (
    Allocation,
    BudgetEnvelope,
    BudgetLine,
    BudgetMovement,
    BudgetMovementYear,
    Commitment,
)


def line_committed_pence(line: BudgetLine) -> int:
    return line.commitments.aggregate(total=Sum("max_value_pence"))["total"] or 0


def lines_without_commitments() -> QuerySet[BudgetLine]:
    """Active lines with money, set by approved decisions, with no contract or grant
    recorded against them: the records manager's commitments to record."""
    return (
        BudgetLine.objects.active()
        .filter(set_by__in=Decision.objects.approved(), amount_pence__gt=0)
        .exclude(Exists(Commitment.objects.filter(line=OuterRef("pk"))))
        .select_related("set_by__decision_type")
        .order_by("-set_by__approved_at", "pk")
    )


def line_uncommitted_pence(line: BudgetLine) -> int:
    """Headroom: the line's amount less what has been committed against it."""
    return line.amount_pence - line_committed_pence(line)


@dataclass(frozen=True)
class BudgetTableRow:
    label: str
    amounts: list[int]
    total: int


@dataclass(frozen=True)
class BudgetTable:
    """The form's "Proposed Expenditure" table: a column per financial year."""

    years: list[str]
    rows: list[BudgetTableRow]
    totals: list[int]
    total: int
    # "Route: description" of lines no envelope table lists (those an amendment
    # adds to another decision's envelope), so page and PDF both describe them.
    notes: list[str] = field(default_factory=list)

    @property
    def has_total_row(self) -> bool:
        return len(self.rows) > 1


def line_approved_pence(line: BudgetLine) -> int:
    """The line's amount as its own decision approved it, before later amendments
    moved money out (so the signed content of that decision never changes)."""
    moved_out = getattr(line, "applied_moved_out_pence", None)  # see with_moved_out
    if moved_out is None and hasattr(line, "applied_movements_out"):
        # Prefetched by decision_budget_lines: the public page's record check reads
        # the signed money without a query per line.
        moved_out = sum(movement.amount_pence for movement in line.applied_movements_out)
    if moved_out is None:
        moved_out = line.movements_out.exclude(applied_at=None).aggregate(
            total=Sum("amount_pence")
        )["total"]
    return line.amount_pence + (moved_out or 0)


def with_moved_out(lines):
    """Annotate budget lines with the money applied amendments moved out of them, so
    `line_approved_pence` needs no query per line."""
    moved_out = (
        BudgetMovement.objects.filter(source_line=OuterRef("pk"))
        .exclude(applied_at=None)
        .values("source_line")
        .annotate(total=Sum("amount_pence"))
        .values("total")[:1]
    )
    return lines.annotate(applied_moved_out_pence=Coalesce(Subquery(moved_out), 0))


def line_allocations_approved(line: BudgetLine) -> list[tuple[int, int]]:
    """The line's (financial year, pence) as its own decision approved them: today's
    allocations plus what later approved moves took out of each year."""
    by_year = {a.financial_year: a.amount_pence for a in line.allocations.all()}
    if hasattr(line, "applied_movements_out"):  # prefetched by decision_budget_lines
        taken = [
            (year.financial_year, year.amount_pence)
            for movement in line.applied_movements_out
            for year in movement.years.all()
        ]
    else:
        taken = BudgetMovementYear.objects.filter(
            movement__source_line=line, movement__applied_at__isnull=False
        ).values_list("financial_year", "amount_pence")
    for year, pence in taken:
        by_year[year] = by_year.get(year, 0) + pence
    return sorted(by_year.items())


def decision_budget_lines(decision: Decision) -> list[BudgetLine]:
    """The lines this decision set: its own envelope's or those its amendments add."""
    return list(
        BudgetLine.objects.filter(set_by=decision)
        .select_related("envelope")
        .prefetch_related(
            "allocations",
            Prefetch(
                "movements_out",
                queryset=BudgetMovement.objects.exclude(applied_at=None).prefetch_related("years"),
                to_attr="applied_movements_out",
            ),
        )
        .order_by("envelope_id", "position")
    )


def decision_budget_table(decision: Decision) -> BudgetTable | None:
    approved = [
        (line, dict(line_allocations_approved(line))) for line in decision_budget_lines(decision)
    ]
    approved = [(line, by_year) for line, by_year in approved if by_year]
    if not approved:
        return None
    lines = [line for line, _ in approved]
    years = sorted({year for _, by_year in approved for year in by_year})
    rows = []
    for line, by_year in approved:
        amounts = [by_year.get(year, 0) for year in years]
        label = "Amount" if len(lines) == 1 else line.get_route_display()
        rows.append(BudgetTableRow(label=label, amounts=amounts, total=sum(amounts)))
    totals = [sum(row.amounts[i] for row in rows) for i in range(len(years))]
    notes = [
        f"{line.get_route_display()}: {line.description}"
        for line in lines
        if line.description and line.envelope.decision_id != decision.pk
    ]
    return BudgetTable(
        years=[format_financial_year(year) for year in years],
        rows=rows,
        totals=totals,
        total=sum(totals),
        notes=notes,
    )


def budget_content(decision: Decision) -> dict[str, Any]:
    """What of the money is part of the decision's signed content."""
    envelope = BudgetEnvelope.objects.filter(decision=decision).first()
    lines = decision_budget_lines(decision)
    return {
        "envelope": (
            [envelope.description, envelope.funding_source, envelope.total_pence]
            if envelope
            else None
        ),
        "lines": [
            [
                line.envelope.decision_id,
                line.route,
                line.description,
                line_approved_pence(line),
                [[year, pence] for year, pence in line_allocations_approved(line)],
            ]
            for line in lines
        ],
        "movements": [
            _movement_content(m) for m in decision.budget_movements.prefetch_related("years")
        ],
    }


def _movement_content(movement: BudgetMovement) -> list[Any]:
    content: list[Any] = [
        movement.source_line_id,
        movement.amount_pence,
        movement.over_commitment_reason,
    ]
    years = [[year.financial_year, year.amount_pence] for year in movement.years.all()]
    if years:  # only then: digests signed before moves had years stay as they were
        content.append(years)
    return content


@dataclass(frozen=True)
class EnvelopeLineView:
    route: str
    description: str
    amount_pence: int
    set_by: Decision


@dataclass(frozen=True)
class EnvelopeView:
    """An envelope as its decision approved it (later amendments shown elsewhere)."""

    description: str
    funding_source: str
    total_pence: int
    lines: list[EnvelopeLineView]


def decision_envelope_as_approved(decision: Decision) -> EnvelopeView | None:
    envelope = BudgetEnvelope.objects.filter(decision=decision).first()
    if envelope is None:
        return None
    lines = with_moved_out(
        envelope.lines.filter(set_by=decision).select_related("set_by__decision_type")
    )
    return EnvelopeView(
        description=envelope.description,
        funding_source=envelope.funding_source,
        total_pence=envelope.total_pence,
        lines=[
            EnvelopeLineView(
                route=line.get_route_display(),
                description=line.description,
                amount_pence=line_approved_pence(line),
                set_by=line.set_by,
            )
            for line in lines
        ],
    )


def decision_value_pence(decision: Decision) -> int:
    """What the decision commits, for the scheme of delegation: its own envelope's
    total plus any money it moves to new lines."""
    envelope = BudgetEnvelope.objects.filter(decision=decision).first()
    moved = decision.budget_movements.aggregate(total=Sum("amount_pence"))["total"] or 0
    return (envelope.total_pence if envelope else 0) + moved


def with_value(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """Annotate decisions with `value_pence`, as `decision_value_pence` computes it."""
    envelope_total = BudgetEnvelope.objects.filter(decision=OuterRef("pk")).values("total_pence")[
        :1
    ]
    moved = (
        BudgetMovement.objects.filter(decision=OuterRef("pk"))
        .values("decision")
        .annotate(total=Sum("amount_pence"))
        .values("total")[:1]
    )
    return queryset.annotate(
        value_pence=Coalesce(Subquery(envelope_total), 0) + Coalesce(Subquery(moved), 0)
    )


def decision_financial_years(decision: Decision) -> set[int]:
    """The financial years in which the decision spends: those of the allocations of
    the lines it sets (its own budget's and those its movements add). Fixed once it
    is approved: a later decision's movement changes an allocation's amount, never
    which years a line has."""
    return set(
        Allocation.objects.filter(line__set_by=decision).values_list("financial_year", flat=True)
    )


def movements_exceeding_source(decision: Decision) -> list[BudgetMovement]:
    """Planned moves now larger than the line they come from, in total or in one of
    its financial years (submission is blocked)."""
    exceeding = []
    movements = (
        decision.budget_movements.select_related("source_line")
        .prefetch_related("years", "source_line__allocations")
        .filter(applied_at=None)
    )
    for movement in movements:
        held = {a.financial_year: a.amount_pence for a in movement.source_line.allocations.all()}
        short = any(
            year.amount_pence > held.get(year.financial_year, 0) for year in movement.years.all()
        )
        if movement.amount_pence > movement.source_line.amount_pence or short:
            exceeding.append(movement)
    return exceeding


def budget_version(decision: Decision) -> str:
    """The budget step's version: a fingerprint of what that step shows (the
    decision's own envelope, lines and allocations, and its movements), so that
    adding a paragraph or saving another step is no conflict with it."""
    envelope = BudgetEnvelope.objects.filter(decision=decision).values_list(
        "description", "funding_source", "total_pence"
    )
    lines = BudgetLine.objects.filter(set_by=decision).order_by("pk")
    allocations = Allocation.objects.filter(line__set_by=decision).order_by("line_id", "pk")
    movements = BudgetMovement.objects.filter(decision=decision).order_by("pk")
    years = BudgetMovementYear.objects.filter(movement__decision=decision).order_by("pk")
    return fingerprint(
        [
            list(envelope),
            list(lines.values_list("pk", "position", "route", "description", "amount_pence")),
            list(allocations.values_list("line_id", "financial_year", "amount_pence")),
            list(movements.values_list("pk", "source_line_id", "amount_pence")),
            list(years.values_list("movement_id", "financial_year", "amount_pence")),
        ]
    )
