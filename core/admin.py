"""What every back-office page of audited records shares."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin

from core.financial_years import format_financial_year
from core.money import format_money

# Kept by the application for itself (optimistic locking, one-time form tokens): a
# number like "Version: 19" means nothing to the people reading the back office.
INTERNAL_FIELDS = ("version", "form_token")


def without_internal_fields(model, exclude) -> tuple[str, ...]:
    """The admin form's `exclude`, plus the model's internal fields."""
    names = {field.name for field in model._meta.get_fields()}
    return (*(exclude or ()), *(name for name in INTERNAL_FIELDS if name in names))


def person_name(user) -> str:
    """A person as people know them (their full name), not their username."""
    return user.display_name if user is not None else ""


def money_column(field: str, description: str, *, empty: str | None = None):
    """A list column showing a pence field as money ("£15,400,000", not 1540000000),
    sorted by the field; ``empty`` where it has none (else the admin's dash)."""

    @admin.display(description=description, ordering=field, empty_value=empty)
    def column(obj) -> str | None:
        return format_money(getattr(obj, field)) or None

    column.__name__ = f"{field}_as_money"
    return column


def financial_year_column(field: str = "financial_year", description: str = "Financial year"):
    """A list column showing a financial year as written ("2024/25", not 2024)."""

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        value = getattr(obj, field)
        return "" if value is None else format_financial_year(value)

    column.__name__ = f"{field}_as_written"
    return column


class NoRevertAdmin(SimpleHistoryAdmin):
    """simple-history saves a posted "revert" form for anyone who may view the history:
    only someone who may change the object may revert it."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = get_object_or_404(self.model, pk=object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


# The background tasks' page, with "Queue again" (imported here so the admin's
# autodiscovery registers it).
from core import admin_tasks  # noqa: E402, F401
