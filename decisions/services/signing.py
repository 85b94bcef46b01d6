"""Writing a signature: who signed, in what capacity, when, on which statement, and
the digest of the content they signed."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from core.audit import save_audited
from core.errors import DomainError, Messages
from decisions.digest import decision_content_digest, sign_off_seal
from decisions.models import Decision, SignOff, SignOffRole

INTERESTS_MAX_LENGTH = SignOff._meta.get_field("interests").max_length


def sign_off_write(
    *,
    actor: User,
    decision: Decision,
    role: str,
    signer: User,
    signed_at: dt.datetime,
    statement: str,
    approval_line: str = "",
    interests: str = "",
) -> SignOff:
    """Called inside the caller's transaction, with the decision row locked."""
    role = SignOffRole(role)
    interests = (interests or "").strip()
    # Interests are published with the signature: the limit holds for every caller.
    if len(interests) > INTERESTS_MAX_LENGTH:
        raise DomainError(Messages.INTERESTS_TOO_LONG, field="interests")
    if SignOff.objects.filter(decision=decision, role=role).exists():
        raise DomainError(
            Messages.SIGN_OFF_DUPLICATE, reference=decision.reference, role=role.label
        )
    sign_off = SignOff(
        decision=decision,
        role=role,
        signer=signer,
        signer_name=signer.display_name,
        signer_title=signer.job_title or role.label,
        signed_at=signed_at,
        statement=statement,
        approval_line=approval_line,
        interests=interests,
        content_digest=decision_content_digest(decision),
    )
    sign_off.seal = sign_off_seal(sign_off)
    save_audited(sign_off, user=actor, reason=f"Signed as {role.label}")
    return sign_off
