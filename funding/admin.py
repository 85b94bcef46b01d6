"""Funding in the admin: to look at (records managers may only view it). A
superuser's correction of a draft's money is saved as the drafting services save a
draft's content (decision_part_save: its row lock, a new version), though without
the budget step's sums; nothing is added to or changed in the money of a decision
past drafting.

Money of an approved decision changes only through an amending decision, and
commitments are recorded on the work page through ``commitment_create``.
"""

from django.contrib import admin

from core.admin import NoRevertAdmin, financial_year_column, money_column
from decisions.admin import DraftContentAdmin
from funding.models import (
    Allocation,
    BudgetEnvelope,
    BudgetLine,
    BudgetMovement,
    BudgetMovementYear,
    Commitment,
)


class FundingAdmin(DraftContentAdmin):
    """Money of an approved decision is changed only by amending decisions."""

    owner_paths = ("decision", "set_by", "line.set_by", "envelope.decision", "movement.decision")


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.set_by.is_editable

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.set_by.is_editable


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(FundingAdmin):
    list_display = (
        "description",
        "decision",
        money_column("total_pence", "Total"),
        "funding_source",
    )


@admin.register(BudgetLine)
class BudgetLineAdmin(FundingAdmin):
    list_display = ("envelope", "route", money_column("amount_pence", "Amount"), "set_by", "active")
    list_filter = ("route", "active")
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(FundingAdmin):
    list_display = ("line", financial_year_column(), money_column("amount_pence", "Amount"))


@admin.register(BudgetMovement)
class BudgetMovementAdmin(FundingAdmin):
    list_display = (
        "decision",
        "source_line",
        "target_line",
        money_column("amount_pence", "Amount"),
        "applied_at",
    )


@admin.register(BudgetMovementYear)
class BudgetMovementYearAdmin(FundingAdmin):
    list_display = ("movement", financial_year_column(), money_column("amount_pence", "Amount"))


@admin.register(Commitment)
class CommitmentAdmin(NoRevertAdmin):
    """Read-only: commitments are recorded on the decision's commitments page, which
    calls ``commitment_create`` (its checks and its audit reason)."""

    list_display = (
        "counterparty",
        "kind",
        "line",
        money_column("max_value_pence", "Maximum value"),
        "awarded_on",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
