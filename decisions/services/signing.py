"""Writing a signature: who signed, in what capacity, when, on which statement, and
the digest of the content they signed. The name and title printed come from the
office holder in office for that role on that day (governance/), never from the
signer's editable profile: whoever is not in the office cannot sign as it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from core.audit import save_audited
from core.dates import uk_date
from core.errors import DomainError, Messages
from decisions.digest import decision_content_digest, sign_off_seal
from decisions.models import Decision, SignOff, SignOffRole
from governance.selectors import office_holder_on

INTERESTS_MAX_LENGTH = SignOff._meta.get_field("interests").max_length


def _interests(interests: str) -> str:
    interests = (interests or "").strip()
    # Interests are published with the signature: the limit holds for every caller.
    if len(interests) > INTERESTS_MAX_LENGTH:
        raise DomainError(Messages.INTERESTS_TOO_LONG, field="interests")
    return interests


def _refuse_second_signature(
    decision: Decision, role: SignOffRole, signed: list[SignOff] | None
) -> None:
    if signed is not None:
        again = any(sign_off.role == role for sign_off in signed)
    else:
        again = SignOff.objects.filter(decision=decision, role=role).exists()
    if again:
        raise DomainError(
            Messages.SIGN_OFF_DUPLICATE, reference=decision.reference, role=role.label
        )


def sign_off_build(
    *,
    decision: Decision,
    role: str,
    signer: User,
    signed_at: dt.datetime,
    statement: str,
    approval_line: str = "",
    interests: str = "",
) -> SignOff:
    """The signature as it will be stored, not saved yet and without its digest and
    seal: the name and title of the office holder of the signing day. The approval
    renders its PDF from this before it locks anything (workflow.decision_approve)."""
    role = SignOffRole(role)
    interests = _interests(interests)
    day = timezone.localdate(signed_at)
    holder = office_holder_on(role=role, user=signer, day=day)
    if holder is None:
        raise DomainError(Messages.NOT_OFFICE_HOLDER, office=role.label, day=uk_date(day))
    return SignOff(
        decision=decision,
        role=role,
        signer=signer,
        signer_name=holder.name,
        signer_title=holder.title,
        signed_at=signed_at,
        statement=statement,
        approval_line=approval_line,
        interests=interests,
    )


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
    content_digest: str = "",
    signed: list[SignOff] | None = None,
) -> SignOff:
    """Called inside the caller's transaction, with the decision row locked.

    `content_digest`: the digest of the content signed, if the caller has just
    computed it from the content it holds locked (else computed here). `signed`: the
    decision's signatures, if the caller has read them under that lock (else read
    here): a role signs once (refused before the office holder is read)."""
    _refuse_second_signature(decision, SignOffRole(role), signed)
    sign_off = sign_off_build(
        decision=decision,
        role=role,
        signer=signer,
        signed_at=signed_at,
        statement=statement,
        approval_line=approval_line,
        interests=interests,
    )
    return _sealed_save(sign_off, actor=actor, content_digest=content_digest)


def sign_off_save(
    *, sign_off: SignOff, actor: User, content_digest: str = "", signed: list[SignOff] | None = None
) -> SignOff:
    """Store a signature built by `sign_off_build`, with the digest of the content
    signed and its seal; called inside the caller's transaction, with the decision
    row locked (`content_digest`, `signed`: see sign_off_write). A role signs once."""
    _refuse_second_signature(sign_off.decision, SignOffRole(sign_off.role), signed)
    return _sealed_save(sign_off, actor=actor, content_digest=content_digest)


def _sealed_save(sign_off: SignOff, *, actor: User, content_digest: str) -> SignOff:
    sign_off.content_digest = content_digest or decision_content_digest(sign_off.decision)
    sign_off.seal = sign_off_seal(sign_off)
    save_audited(sign_off, user=actor, reason=f"Signed as {SignOffRole(sign_off.role).label}")
    return sign_off
