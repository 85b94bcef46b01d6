"""Every write to decisions: keyword-only, typed, atomic, taking the acting user."""

from decisions.services.content import (
    appendix_add,
    appendix_remove,
    decision_link_create,
    decision_link_remove,
    paragraph_add,
    paragraph_move,
    paragraph_remove,
    paragraph_update,
    recommendation_add,
    recommendation_move,
    recommendation_remove,
    recommendation_update,
)
from decisions.services.conversation import comment_add
from decisions.services.declarations import declaration_confirm, declarations_set
from decisions.services.drafting import (
    decision_create,
    decision_fields_save,
    decision_lock_for_edit,
    decision_part_save,
    decision_public_access_set,
    decision_share,
    decision_update,
    part2_save,
)
from decisions.services.events import event_record
from decisions.services.imports import (
    decision_import_approved,
    reference_reserve,
    sign_off_import,
)
from decisions.services.lead_in import recommendations_lead_in_set
from decisions.services.paste import recommendations_replace, section_paragraphs_replace
from decisions.services.publication import (
    decision_publication_withdraw,
    decision_publish_pdf,
    decision_search_index,
)
from decisions.services.workflow import (
    ACTION_SERVICES,
    decision_approve,
    decision_clear,
    decision_reject,
    decision_return,
    decision_sign,
    decision_submit,
    decision_withdraw,
)

__all__ = [
    "ACTION_SERVICES",
    "appendix_add",
    "appendix_remove",
    "comment_add",
    "decision_approve",
    "decision_clear",
    "decision_create",
    "decision_fields_save",
    "decision_import_approved",
    "decision_link_create",
    "decision_link_remove",
    "decision_lock_for_edit",
    "decision_part_save",
    "decision_public_access_set",
    "decision_publication_withdraw",
    "decision_publish_pdf",
    "decision_reject",
    "decision_return",
    "decision_search_index",
    "decision_share",
    "decision_sign",
    "decision_submit",
    "decision_update",
    "decision_withdraw",
    "declaration_confirm",
    "declarations_set",
    "event_record",
    "paragraph_add",
    "paragraph_move",
    "paragraph_remove",
    "paragraph_update",
    "part2_save",
    "recommendation_add",
    "recommendation_move",
    "recommendation_remove",
    "recommendation_update",
    "recommendations_lead_in_set",
    "recommendations_replace",
    "reference_reserve",
    "section_paragraphs_replace",
    "sign_off_import",
]
