from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from funding.models import Allocation, BudgetEnvelope, BudgetLine, BudgetMovement, Commitment


class FundingAdmin(SimpleHistoryAdmin):
    """Money of an approved decision is changed only by amending decisions."""

    def _decision(self, obj):
        if obj is None:
            return None
        for path in ("decision", "set_by", "line.set_by", "envelope.decision"):
            target = obj
            for attribute in path.split("."):
                target = getattr(target, attribute, None)
            if target is not None:
                return target
        return None

    def has_change_permission(self, request, obj=None):
        decision = self._decision(obj)
        if decision is not None and not decision.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ("description", "decision", "total_pence", "funding_source")


@admin.register(BudgetLine)
class BudgetLineAdmin(FundingAdmin):
    list_display = ("envelope", "route", "amount_pence", "set_by", "active")
    list_filter = ("route", "active")
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(FundingAdmin):
    list_display = ("line", "financial_year", "amount_pence")


@admin.register(BudgetMovement)
class BudgetMovementAdmin(FundingAdmin):
    list_display = ("decision", "source_line", "target_line", "amount_pence", "applied_at")


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    """Commitments are recorded after approval, so records managers may edit them."""

    list_display = ("counterparty", "kind", "line", "max_value_pence", "awarded_on")
    raw_id_fields = ("line", "authorised_by")

    def has_delete_permission(self, request, obj=None):
        return False
