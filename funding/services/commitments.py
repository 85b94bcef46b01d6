"""Contracts and grants awarded against the lines of approved decisions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from core.audit import save_audited
from core.errors import DomainError, Messages
from decisions import policy
from decisions.models import Decision
from decisions.services.drafting import text_checked
from decisions.services.pages import decision_pages_invalidate
from decisions.workflow import State
from funding.models import BudgetLine, Commitment, CommitmentKind
from funding.services.validation import checked_amount, checked_route


@transaction.atomic
def commitment_create(
    *,
    user: User,
    line: BudgetLine,
    kind: str,
    counterparty: str,
    max_value_pence: int,
    awarded_on: dt.date | None = None,
    authorised_by: Decision | None = None,
    description: str = "",
    route: str | None = None,
) -> Commitment:
    """Record a contract or grant awarded against an approved decision's line.

    Who may: ``policy.can_record_commitment``. Over-commitment is allowed (reality
    sometimes is) and shown as a warning with the figures on every report.
    """
    line = BudgetLine.objects.select_related("set_by", "envelope__decision").get(pk=line.pk)
    decision = line.set_by
    if not policy.can_record_commitment(user, decision):
        raise DomainError(Messages.COMMITMENT_NOT_ALLOWED)
    if decision.state != State.APPROVED or not line.active:
        raise DomainError(Messages.COMMITMENT_LINE_NOT_APPROVED, field="line")
    commitment = Commitment(
        line=line,
        kind=CommitmentKind(kind),
        route=checked_route(route or line.route),
        counterparty=text_checked(
            counterparty, field="counterparty", label="who it is awarded to", limit=300
        ),
        description=text_checked(
            description, field="description", label="the description", limit=2_000, required=False
        ),
        max_value_pence=checked_amount(max_value_pence, field="max_value"),
        awarded_on=awarded_on,
        authorised_by=authorised_by,
    )
    save_audited(commitment, user=user, reason=f"Commitment to {commitment.counterparty}")
    # The envelope's public page shows what is committed (no event says so).
    decision_pages_invalidate(decisions=[decision, line.envelope.decision])
    return commitment
