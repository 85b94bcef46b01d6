"""Loading historical decisions with their real references, dates and signatures.

Used by the demo loader and by records managers bringing in decisions taken
before the system existed. The record is built as a draft with the drafting
services, then signed and approved here in one step, with an `import` event.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from core.audit import save_audited
from core.errors import DomainError, Messages
from decisions import extensions, policy
from decisions.models import Decision, DecisionType, SignOff
from decisions.services.drafting import decision_lock_for_import, decision_touch
from decisions.services.events import event_record
from decisions.services.publication import decision_on_approval
from decisions.services.signing import sign_off_write
from decisions.workflow import IMPORT_ACTION, State


@transaction.atomic
def reference_reserve(*, user: User, decision: Decision, number: int | None = None) -> Decision:
    """Give the decision its reference: ``number`` for a historical record, else the
    next in its series. The series row is locked so two callers never get one number."""
    series = DecisionType.objects.select_for_update().get(pk=decision.decision_type_id)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if number is None:
        number = series.last_number + 1
    elif not policy.can_import(user):
        # Only a historical record keeps a number of its own; others take the next.
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    if number < 1:
        raise DomainError(Messages.REFERENCE_NUMBER_INVALID, field="reference_number")
    taken = Decision.objects.filter(decision_type=series, reference_number=number).exclude(
        pk=locked.pk
    )
    if taken.exists():
        raise DomainError(
            Messages.DUPLICATE_REFERENCE,
            field="reference_number",
            reference=f"{series.code} {number}",
        )
    if number > series.last_number:
        series.last_number = number
        save_audited(series, user=user, reason=f"Reference {series.code} {number} issued")
    locked.reference_number = number
    locked.decision_type = series
    save_audited(locked, user=user, reason=f"Reference {series.code} {number} assigned")
    return locked


@transaction.atomic
def sign_off_import(
    *,
    user: User,
    decision: Decision,
    role: str,
    signer: User,
    signed_at: dt.datetime,
    statement: str,
    approval_line: str = "",
    interests: str = "",
) -> SignOff:
    """A historical signature, with its real date, recorded by the importing user on
    the draft being completed as the record it is (locked, and written: a new
    version, as any change of a draft's content)."""
    locked = decision_lock_for_import(decision, user=user)
    sign_off = sign_off_write(
        actor=user,
        decision=locked,
        role=role,
        signer=signer,
        signed_at=signed_at,
        statement=statement,
        approval_line=approval_line,
        interests=interests,
    )
    reason = f"Signature of the {sign_off.get_role_display()} imported"
    decision_touch(locked, user=user, reason=reason)
    return sign_off


@transaction.atomic
def decision_import_approved(
    *,
    user: User,
    decision: Decision,
    reference_number: int,
    approved_at: dt.datetime,
    comment: str = "Historical decision imported",
) -> Decision:
    """Mark a fully built draft as the approved historical decision it records."""
    locked = decision_lock_for_import(decision, user=user)
    if locked.reference_number != reference_number:
        reference_reserve(user=user, decision=locked, number=reference_number)
    extensions.on_approval(user=user, decision=locked, at=approved_at)
    locked.state = State.APPROVED
    locked.approved_at = approved_at
    save_audited(locked, user=user, reason=comment)
    event_record(
        decision=locked,
        user=user,
        action=IMPORT_ACTION,
        from_state=State.DRAFT,
        to_state=State.APPROVED,
        comment=comment,
    )
    decision_on_approval(decision=locked)
    return locked
