"""Moving a decision through its workflow. Every action is one transaction: lock
the row, check the state and the actor's role against TRANSITIONS, write the
change (with history) and one event carrying the content digest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.audit import delete_audited, save_audited
from core.collector import collector_paused
from core.errors import DomainError, Messages
from core.money import format_money
from core.seals import chain_lock
from decisions import extensions, policy
from decisions.models import Decision, DecisionEvent, DecisionType, SignOff, SignOffWording
from decisions.notifications import notify_transition
from decisions.selectors import full_decision
from decisions.selectors.drafting import submission_problems
from decisions.services.events import event_record
from decisions.services.imports import reference_reserve
from decisions.services.pages import decision_page_paths
from decisions.services.publication import (
    ApprovalPdf,
    SearchEntry,
    approval_pdf_publish,
    approval_pdf_render,
    approval_pdf_store,
    decision_search_entry,
    decision_search_store,
    prefetched_sign_offs_set,
)
from decisions.services.signing import sign_off_build, sign_off_save, sign_off_write
from decisions.workflow import TRANSITIONS, Transition

COMMENT_MAX_LENGTH = DecisionEvent._meta.get_field("comment").max_length


def _comment(transition: Transition, comment: str) -> str:
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise DomainError(Messages.COMMENT_REQUIRED, field="comment")
    # The form says so too; the service is what holds for every caller.
    if len(comment) > COMMENT_MAX_LENGTH:
        raise DomainError(Messages.COMMENT_TOO_LONG, field="comment")
    return comment


def _begin(*, action: str, user: User, decision: Decision, comment: str) -> tuple:
    """Lock the row and check, with the policy, that this user may take this action now."""
    transition: Transition = TRANSITIONS[action]
    locked = Decision.objects.select_for_update(of=("self", "decision_type")).with_type()
    locked = locked.get(pk=decision.pk)
    refused = policy.refusal(user, locked, action)
    if refused is not None:
        raise refused
    role = policy.acting_role(locked, action)
    return transition, locked, role, _comment(transition, comment)


def _finish(
    *, transition: Transition, decision: Decision, user: User, role: Role, comment: str
) -> Decision:
    _transition_record(
        transition=transition, decision=decision, user=user, role=role, comment=comment
    )
    return decision


def _transition_record(
    *,
    transition: Transition,
    decision: Decision,
    user: User,
    role: Role,
    comment: str,
    content_digest: str = "",
    page_paths: list[str] | None = None,
) -> DecisionEvent:
    """The new state, with its history row, its event and the emails it sends
    (`content_digest`, `page_paths`: see event_record)."""
    source = decision.state
    decision.state = transition.target
    reason = f"{transition.label_for(decision)}: {source} → {decision.state}"
    save_audited(decision, user=user, reason=reason)
    event = event_record(
        decision=decision,
        user=user,
        action=transition.action,
        from_state=source,
        to_state=decision.state,
        actor_role=role,
        comment=comment,
        content_digest=content_digest,
        page_paths=page_paths,
    )
    notify_transition(decision=decision, action=transition.action, actor=user, comment=comment)
    return event


def _wording(decision: Decision, role: Role) -> SignOffWording:
    # The type's few wordings: prefetched by full_decision, else one query.
    for wording in decision.decision_type.wordings.all():
        if wording.role == role:
            return wording
    raise SignOffWording.DoesNotExist(f"No wording for {role} on {decision.decision_type}")


def _sign(*, decision: Decision, user: User, role: Role) -> SignOff:
    """The actor signs in their role now, on the wording stored for this type and role."""
    wording = _wording(decision, role)
    return sign_off_write(
        actor=user,
        decision=decision,
        role=role,
        signer=user,
        signed_at=timezone.now(),
        statement=wording.statement,
        approval_line=wording.approval_line,
    )


def _approver_above(decision_type: DecisionType) -> str:
    """Who takes decisions above this type's delegation limit: the approver of the
    types without one."""
    unlimited = DecisionType.objects.filter(delegation_limit_pence=None).order_by("code").first()
    return unlimited.approver_title if unlimited else "a higher authority"


@transaction.atomic
def decision_submit(*, user: User, decision: Decision, comment: str = "") -> Decision:
    """Send a complete draft to the Head of Service; it gets its reference now."""
    transition, locked, role, comment = _begin(
        action="submit", user=user, decision=decision, comment=comment
    )
    problems = submission_problems(locked)
    if problems:
        raise DomainError(
            Messages.SUBMISSION_BLOCKED, problems="; ".join(p.text.lower() for p in problems)
        )
    limit = locked.decision_type.delegation_limit_pence
    value = extensions.decision_value_pence(locked)
    if limit is not None and value >= limit:
        raise DomainError(
            Messages.OVER_DELEGATION_LIMIT,
            type_code=locked.decision_type.code,
            limit=format_money(limit),
            value=format_money(value),
            approver=_approver_above(locked.decision_type),
        )
    if locked.reference_number is None:
        locked = reference_reserve(user=user, decision=locked)
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


@transaction.atomic
def decision_clear(*, user: User, decision: Decision, comment: str = "") -> Decision:
    """The Head of Service confirms their declaration and sends it to the Chief Executive."""
    transition, locked, role, comment = _begin(
        action="clear", user=user, decision=decision, comment=comment
    )
    declaration = locked.declarations.get(kind="head_of_service")
    declaration.confirmed_by = user
    declaration.confirmed_by_name = user.display_name
    declaration.confirmed_at = timezone.now()
    save_audited(declaration, user=user, reason="Director/Head of Service confirmed")
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


@transaction.atomic
def decision_sign(*, user: User, decision: Decision, comment: str = "") -> Decision:
    """The Chief Executive's signature that sends a PCD on to the Deputy Mayor."""
    transition, locked, role, comment = _begin(
        action="sign", user=user, decision=decision, comment=comment
    )
    _sign(decision=locked, user=user, role=role)
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


# Outermost, so the collection the pause leaves for its end runs after the commit.
@collector_paused()
@transaction.atomic
def decision_approve(
    *, user: User, decision: Decision, interests: str = "", comment: str = ""
) -> Decision:
    """The final approver signs: the content is frozen and any budget moves happen.

    Everything that can be worked out before the decision row is locked is (issue
    12, choice (a)): the decision is read once, unlocked, with its content; the PDF
    is rendered from it as it will be with the signature about to be given (the
    office holder's name and title on the day, the time fixed now as both the
    signing and the approval time), its content digest and its search entry are
    worked out, and the PDF is stored under its SHA-256. Only then is the row
    locked, for the short part, until the commit: the policy asked again, and the
    row as now stored compared, column by column, with the row that read began
    with. Equal, the content read is the content now, because content changes only
    while the decision is a draft, under this row lock, and writes the row (a new
    version): every drafting service, the import of a historical signature and the
    back office's saves (decision_part_save) do; and nothing makes a decision a
    draft again without writing the row (a return also counts a new version).
    Different, nothing is approved
    (APPROVAL_CONTENT_CHANGED). Then the signature exactly as printed, budget
    moves, state, event, search entry and the stored PDF's record, in one
    transaction. Which cached pages to drop is read before the lock too (and again
    after commit); who is emailed is read once the approval has committed.

    A write that ignores the services (straight to a table, bypassing the row lock)
    was never kept out by the lock; the integrity check finds it: the content no
    longer has the digest the approval's event and signature recorded.

    Not (b), rendering after commit: for a while the decision would be approved
    without its PDF, so its public page would have to be hidden until the PDF
    exists, and a failed render would leave an approved decision with none. Here an
    approval still never publishes a page without its PDF: both commit together or
    neither does. Two approvals of one decision take turns before rendering (a lock
    of that decision's approval only), so the second finds it approved and is
    refused without rendering.

    Python's garbage collector is paused for the whole approval (core/collector.py)
    and collects after the commit: a collection of a worker's heap (after it has
    rendered PDFs) landing while the row is locked kept it locked that much longer
    (median of 6 approvals 56 ms with, 45 ms without; make bench).
    """
    transition = TRANSITIONS["approve"]
    comment = _comment(transition, comment)
    chain_lock(f"approval of decision {decision.pk}")
    at = timezone.now()
    prepared = _approval_prepare(user=user, decision=decision, interests=interests, at=at)
    # The decision row is locked from here to the commit.
    transition, locked, role, comment = _begin(
        action="approve", user=user, decision=decision, comment=comment
    )
    if _row(locked) != prepared.row or role != prepared.sign_off.role:
        raise DomainError(Messages.APPROVAL_CONTENT_CHANGED, reference=locked.reference)
    content_digest = prepared.pdf.content_digest
    sign_off = prepared.sign_off
    sign_off.decision = locked
    sign_off_save(
        sign_off=sign_off, actor=user, content_digest=content_digest, signed=prepared.signed
    )
    # The record as now written, for the published PDF's seal without reading the
    # decision again.
    prefetched_sign_offs_set(locked, [*prepared.signed, sign_off])
    extensions.on_approval(user=user, decision=locked, at=at)
    locked.approved_at = at
    _transition_record(
        transition=transition,
        decision=locked,
        user=user,
        role=role,
        comment=comment,
        content_digest=content_digest,
        page_paths=prepared.page_paths,
    )
    # In the same transaction: no approval without its search entry and its PDF.
    decision_search_store(decision=locked, entry=prepared.search)
    approval_pdf_publish(decision=locked, rendered=prepared.pdf)
    return locked


def _row(decision: Decision) -> tuple:
    """Every column of the decision's row, as read."""
    return tuple(getattr(decision, field.attname) for field in Decision._meta.concrete_fields)


@dataclass(frozen=True)
class _Prepared:
    # The decision's row as the read began, and its signatures then.
    row: tuple
    signed: list[SignOff]
    # The signature to be given (not saved), as the PDF prints it.
    sign_off: SignOff
    pdf: ApprovalPdf
    search: SearchEntry
    page_paths: list[str]


def _approval_prepare(
    *, user: User, decision: Decision, interests: str, at: dt.datetime
) -> _Prepared:
    """The PDF this approval will publish and the decision's search entry, worked
    out from one unlocked read. A step the policy refuses now is refused before
    rendering (and again under the lock)."""
    current = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    refused = policy.refusal(user, current, "approve")
    if refused is not None:
        raise refused
    role = policy.acting_role(current, "approve")
    wording = _wording(current, role)
    row, signed = _row(current), list(current.sign_offs.all())
    sign_off = sign_off_build(
        decision=current,
        role=role,
        signer=user,
        signed_at=at,
        statement=wording.statement,
        approval_line=wording.approval_line,
        interests=interests if wording.records_interests else "",
    )
    search = decision_search_entry(current)
    page_paths = decision_page_paths(decisions=[current])
    pdf = approval_pdf_render(decision=current, sign_off=sign_off, approved_at=at)
    pdf = approval_pdf_store(decision=current, rendered=pdf)
    return _Prepared(
        row=row, signed=signed, sign_off=sign_off, pdf=pdf, search=search, page_paths=page_paths
    )


@transaction.atomic
def decision_reject(*, user: User, decision: Decision, comment: str) -> Decision:
    transition, locked, role, comment = _begin(
        action="reject", user=user, decision=decision, comment=comment
    )
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


@transaction.atomic
def decision_return(*, user: User, decision: Decision, comment: str) -> Decision:
    """Back to the officer. Confirmations and signatures given so far no longer hold:
    the content may change before it comes back."""
    transition, locked, role, comment = _begin(
        action="return", user=user, decision=decision, comment=comment
    )
    for sign_off in locked.sign_offs.all():
        delete_audited(sign_off, user=user, reason="Returned to the officer")
    declaration = locked.declarations.get(kind="head_of_service")
    if declaration.is_confirmed:
        declaration.confirmed_by, declaration.confirmed_by_name = None, ""
        declaration.confirmed_at = None
        save_audited(declaration, user=user, reason="Returned to the officer")
    locked.version += 1
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


@transaction.atomic
def decision_withdraw(*, user: User, decision: Decision, comment: str) -> Decision:
    """The officer closes their draft for good, saying why (it cannot be undone)."""
    transition, locked, role, comment = _begin(
        action="withdraw", user=user, decision=decision, comment=comment
    )
    return _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)


ACTION_SERVICES = {
    "submit": decision_submit,
    "clear": decision_clear,
    "sign": decision_sign,
    "approve": decision_approve,
    "reject": decision_reject,
    "return": decision_return,
    "withdraw": decision_withdraw,
}
