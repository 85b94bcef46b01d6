"""Budget envelopes, their lines by procurement route, allocations per financial
year, money moved between lines by amending decisions, and commitments.

All money is integer pence.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, Sum

from core.financial_years import FIRST_YEAR, LAST_YEAR, format_financial_year
from core.history import ChainedHistoricalRecords
from core.money import format_money
from decisions.models import Decision


class ProcurementRoute(models.TextChoices):
    OPEN_PROCUREMENT = "open_procurement", "Open competitive procurement"
    DIRECT_AWARD_REG_12_7 = (
        "direct_award_reg_12_7",
        "Direct award under Regulation 12(7) PCR 2015",
    )
    DIRECT_AWARD = "direct_award", "Direct award"
    FRAMEWORK = "framework", "Call-off from a framework"
    GRANT = "grant", "Grant"
    OTHER = "other", "Other"
    # A line that sets a budget without buying anything yet (a budget-setting
    # decision): no procurement route applies.
    NOT_PROCUREMENT = "not_procurement", "Not a procurement"


class BudgetEnvelope(models.Model):
    """The money a decision approves, with where it comes from."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="budget_envelope"
    )
    description = models.CharField(max_length=500)
    funding_source = models.CharField(max_length=300)
    total_pence = models.BigIntegerField()

    history = ChainedHistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(total_pence__gte=0), name="budgetenvelope_total_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(funding_source=""), name="budgetenvelope_funding_source_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({format_money(self.total_pence)})"


class BudgetLineQuerySet(models.QuerySet):
    def active(self) -> BudgetLineQuerySet:
        return self.filter(active=True)

    def total_pence(self) -> int:
        return self.aggregate(total=Sum("amount_pence"))["total"] or 0


class BudgetLine(models.Model):
    """Part of an envelope spent by one procurement route.

    ``set_by`` is the decision that created the line or last changed its amount.
    A line proposed by an amending decision stays inactive, outside the
    envelope's sum, until that decision is approved.
    """

    envelope = models.ForeignKey(BudgetEnvelope, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    route = models.CharField(max_length=40, choices=ProcurementRoute.choices)
    description = models.CharField(max_length=500, blank=True)
    amount_pence = models.BigIntegerField()
    set_by = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="budget_lines_set")
    active = models.BooleanField(default=True)

    objects = BudgetLineQuerySet.as_manager()
    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["envelope", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="budgetline_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(route__in=ProcurementRoute.values), name="budgetline_route_valid"
            ),
            models.UniqueConstraint(
                fields=["envelope", "position"], name="budgetline_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()}: {format_money(self.amount_pence)}"


class Allocation(models.Model):
    """A line's amount in one UK financial year (stored as its start year)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="allocations")
    financial_year = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField()

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["line", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "financial_year"], name="allocation_one_per_line_and_year"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=FIRST_YEAR, financial_year__lte=LAST_YEAR),
                name="allocation_financial_year_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="allocation_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year_label}: {format_money(self.amount_pence)}"

    @property
    def financial_year_label(self) -> str:
        return format_financial_year(self.financial_year)


class BudgetMovement(models.Model):
    """Money an amending decision moves from one line to a new line.

    Moving, not copying: when the amending decision is approved the source line
    shrinks by ``amount_pence`` and the target line becomes active, so the
    envelope total never changes.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="budget_movements"
    )
    source_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="movements_out"
    )
    target_line = models.OneToOneField(
        BudgetLine, on_delete=models.PROTECT, related_name="movement_in"
    )
    amount_pence = models.BigIntegerField()
    over_commitment_reason = models.TextField(blank=True, max_length=2_000)
    applied_at = models.DateTimeField(null=True, blank=True)

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="budgetmovement_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(source_line=F("target_line")),
                name="budgetmovement_distinct_lines",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount_pence)} moved by {self.decision}"


class BudgetMovementYear(models.Model):
    """How much of a move comes out of one financial year of the source line.

    Recorded when the move is proposed, where the source line has allocations:
    at approval each of the source's allocations shrinks by its year's amount, so
    they still add up to the line; and the source decision's signed content adds
    these back to show its allocations as that decision approved them.
    """

    movement = models.ForeignKey(BudgetMovement, on_delete=models.CASCADE, related_name="years")
    financial_year = models.PositiveSmallIntegerField()
    amount_pence = models.BigIntegerField()

    history = ChainedHistoricalRecords()

    class Meta:
        # What the back office lists it as: one year's share of a budget move.
        verbose_name = "budget move by financial year"
        verbose_name_plural = "budget moves by financial year"
        ordering = ["movement", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "financial_year"], name="budgetmovementyear_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=FIRST_YEAR, financial_year__lte=LAST_YEAR),
                name="budgetmovementyear_financial_year_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="budgetmovementyear_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{format_financial_year(self.financial_year)}: {format_money(self.amount_pence)}"


class CommitmentKind(models.TextChoices):
    CONTRACT = "contract", "Contract"
    GRANT = "grant", "Grant"


class Commitment(models.Model):
    """A contract or grant awarded against a budget line."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(max_length=20, choices=CommitmentKind.choices)
    # How it was awarded (usually, but not always, the line's own route).
    route = models.CharField(max_length=40, choices=ProcurementRoute.choices)
    counterparty = models.CharField(max_length=300)
    description = models.TextField(blank=True, max_length=2_000)
    max_value_pence = models.BigIntegerField()
    awarded_on = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )

    history = ChainedHistoricalRecords()

    class Meta:
        ordering = ["line", "awarded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_value_pence__gte=0), name="commitment_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CommitmentKind.values), name="commitment_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(counterparty=""), name="commitment_counterparty_present"
            ),
            models.CheckConstraint(
                condition=Q(route__in=ProcurementRoute.values), name="commitment_route_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counterparty} (up to {format_money(self.max_value_pence)})"
