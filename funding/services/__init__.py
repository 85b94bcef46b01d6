"""Every write to funding data, by what it writes:

- ``validation``: money, financial years, routes and allocations checked;
- ``budgets``: a decision's own envelope, lines and allocations;
- ``movements``: money an amending decision moves between lines, with its years;
- ``commitments``: contracts and grants against approved lines.
"""

from funding.services.budgets import allocation_create, envelope_create, envelope_set
from funding.services.commitments import commitment_create
from funding.services.movements import (
    budget_movement_propose,
    budget_movement_remove,
    budget_movements_apply,
)
from funding.services.validation import LineSpec

__all__ = [
    "LineSpec",
    "allocation_create",
    "budget_movement_propose",
    "budget_movement_remove",
    "budget_movements_apply",
    "commitment_create",
    "envelope_create",
    "envelope_set",
]
