"""Every read of decisions. Public views use only the published selectors: the
publication rule is stated once, on the queryset (`Decision.objects.published()`)."""

from decisions.selectors.drafting import (
    Problem,
    Task,
    decision_for_officer,
    decision_tasks,
    submission_problems,
)
from decisions.selectors.home_lists import HomeGroup, HomeRow
from decisions.selectors.homes import HomeLists, decisions_for_home
from decisions.selectors.public import (
    DecisionPage,
    LinkView,
    SignatureBlock,
    approved_decisions_visible_to,
    date_format,
    decision_by_reference,
    decision_page,
    decision_public_links,
    decision_sign_off,
    decision_signature_blocks,
    decision_types,
    full_decision,
    parse_reference,
    published_decision_by_slug,
    published_decisions,
)

__all__ = [
    "DecisionPage",
    "HomeGroup",
    "HomeLists",
    "HomeRow",
    "LinkView",
    "Problem",
    "SignatureBlock",
    "Task",
    "approved_decisions_visible_to",
    "date_format",
    "decision_by_reference",
    "decision_for_officer",
    "decision_page",
    "decision_public_links",
    "decision_sign_off",
    "decision_signature_blocks",
    "decision_tasks",
    "decision_types",
    "decisions_for_home",
    "full_decision",
    "parse_reference",
    "published_decision_by_slug",
    "published_decisions",
    "submission_problems",
]
