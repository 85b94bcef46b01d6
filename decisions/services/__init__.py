"""Every write to decisions: keyword-only, typed, atomic, taking the acting user."""

from decisions.services.drafting import (
    appendix_add,
    decision_create,
    decision_deferral_set,
    decision_link_create,
    decision_part2_set,
    decision_update,
    declaration_confirm,
    paragraph_add,
    recommendation_add,
)
from decisions.services.events import event_record
from decisions.services.imports import (
    decision_import_approved,
    reference_reserve,
    sign_off_import,
)

__all__ = [
    "appendix_add",
    "decision_create",
    "decision_deferral_set",
    "decision_import_approved",
    "decision_link_create",
    "decision_part2_set",
    "decision_update",
    "declaration_confirm",
    "event_record",
    "paragraph_add",
    "recommendation_add",
    "reference_reserve",
    "sign_off_import",
]
