"""Moving a decision through its workflow. Every action is one transaction: lock
the row, check the state and the actor's role against TRANSITIONS, write the
change (with history) and one event carrying the content digest."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.money import format_money
from decisions import extensions, policy
from decisions.models import Decision, DecisionEvent, DecisionType, SignOffWording
from decisions.notifications import notify_transition
from decisions.selectors.drafting import submission_problems
from decisions.services.events import event_record
from decisions.services.imports import reference_reserve
from decisions.services.publication import decision_on_approval
from decisions.services.signing import sign_off_write
from decisions.workflow import TRANSITIONS, Transition

COMMENT_MAX_LENGTH = DecisionEvent._meta.get_field("comment").max_length


def _begin(*, action: str, user: User, decision: Decision, comment: str) -> tuple:
    """Lock the row and check, with the policy, that this user may take this action now."""
    transition: Transition = TRANSITIONS[action]
    locked = Decision.objects.select_for_update().with_type().get(pk=decision.pk)
    refused = policy.refusal(user, locked, action)
    if refused is not None:
        raise refused
    role = policy.acting_role(locked, action)
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise DomainError(Messages.COMMENT_REQUIRED, field="comment")
    # The form says so too; the service is what holds for every caller.
    if len(comment) > COMMENT_MAX_LENGTH:
        raise DomainError(Messages.COMMENT_TOO_LONG, field="comment")
    return transition, locked, role, comment


def _finish(
    *, transition: Transition, decision: Decision, user: User, role: Role, comment: str
) -> Decision:
    source = decision.state
    decision.state = transition.target
    reason = f"{transition.label_for(decision)}: {source} → {decision.state}"
    save_audited(decision, user=user, reason=reason)
    event_record(
        decision=decision,
        user=user,
        action=transition.action,
        from_state=source,
        to_state=decision.state,
        actor_role=role,
        comment=comment,
    )
    notify_transition(decision=decision, action=transition.action, actor=user, comment=comment)
    return decision


def _sign(*, decision: Decision, user: User, role: Role, interests: str = "") -> None:
    """The actor signs in their role, on the wording stored for this type and role."""
    wording = SignOffWording.objects.get(decision_type=decision.decision_type, role=role)
    sign_off_write(
        actor=user,
        decision=decision,
        role=role,
        signer=user,
        signed_at=timezone.now(),
        statement=wording.statement,
        approval_line=wording.approval_line,
        interests=interests if wording.records_interests else "",
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


@transaction.atomic
def decision_approve(
    *, user: User, decision: Decision, interests: str = "", comment: str = ""
) -> Decision:
    """The final approver signs: the content is frozen and any budget moves happen."""
    transition, locked, role, comment = _begin(
        action="approve", user=user, decision=decision, comment=comment
    )
    now = timezone.now()
    _sign(decision=locked, user=user, role=role, interests=interests)
    extensions.on_approval(user=user, decision=locked, at=now)
    locked.approved_at = now
    locked = _finish(transition=transition, decision=locked, user=user, role=role, comment=comment)
    # In the same transaction: no approval without its search entry and its PDF.
    decision_on_approval(decision=locked)
    return locked


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
