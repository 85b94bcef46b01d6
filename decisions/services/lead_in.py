"""How a draft's recommendations begin: the type's own preamble ("… is recommended
to:") or the approver approving outright ("… approves:")."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.errors import DomainError, Messages
from decisions.models import Decision, LeadIn
from decisions.selectors.versions import LEAD_IN_FIELDS, lead_in_version
from decisions.services.drafting import decision_lock_for_edit, decision_touch, version_check


@transaction.atomic
def recommendations_lead_in_set(
    *, user: User, decision: Decision, lead_in: str, expected_version: str | None = None
) -> Decision:
    """``expected_version``: the lead-in's version the form showed (lead_in_version)."""
    if lead_in not in LeadIn.values:
        raise DomainError(Messages.LEAD_IN_INVALID, field="lead_in")
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=lead_in_version(locked),
        what="How the recommendations begin",
        history=locked.history.all(),
        fields=LEAD_IN_FIELDS,
    )
    if locked.recommendations_lead_in != lead_in:
        locked.recommendations_lead_in = lead_in
        decision_touch(
            locked, user=user, reason=f"Recommendations begin: {locked.recommendations_preamble}"
        )
    return locked
