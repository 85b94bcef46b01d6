"""Who may do what: the one statement of authorisation.

Services refuse with these rules, selectors filter with them, views and templates
show only what they allow. Deny by default: every predicate answers False for an
anonymous or inactive user (``has_perm`` is False for both).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.roles import Role
from core.dates import uk_date
from core.errors import DomainError, Messages
from decisions.models import Decision, DecisionEvent, SignOffRole
from decisions.workflow import (
    FINAL_STATES,
    REVIEW_STEPS,
    ROLE_PERMISSION,
    TRANSITIONS,
    states_seen_by,
)

DRAFT_PERMISSION = ROLE_PERMISSION[Role.OFFICER]
PART2_PERMISSION = "decisions.view_part2"
RECORDS_PERMISSION = "decisions.manage_records"


def is_officer(user) -> bool:
    return user.has_perm(DRAFT_PERMISSION)


def is_records_manager(user) -> bool:
    return user.has_perm(RECORDS_PERMISSION)


def is_reviewer(user) -> bool:
    """Holds a role that clears, signs or approves decisions."""
    return any(
        user.has_perm(permission)
        for role, permission in ROLE_PERMISSION.items()
        if role != Role.OFFICER
    )


def is_staff_member(user) -> bool:
    """Anyone holding a decision role (internal reports, internal pages)."""
    return is_records_manager(user) or any(
        user.has_perm(permission) for permission in ROLE_PERMISSION.values()
    )


def can_view_part2(user) -> bool:
    return user.has_perm(PART2_PERMISSION)


def is_drafter(user, decision: Decision) -> bool:
    """The officer who drafted it, or a colleague it was shared with."""
    if not user.is_authenticated:
        return False
    return decision.drafted_by_id == user.pk or decision.shared_with.filter(pk=user.pk).exists()


def reviewer_states(user) -> set[str]:
    """The states in which this user sees decisions as a reviewer."""
    return {
        state
        for role, permission in ROLE_PERMISSION.items()
        if role != Role.OFFICER and user.has_perm(permission)
        for state in states_seen_by(role)
    }


def can_see(user, decision: Decision) -> bool:
    """Officers see their own and shared decisions; reviewers what reached them and
    after; records managers everything."""
    if is_records_manager(user):
        return True
    if is_officer(user) and is_drafter(user, decision):
        return True
    return decision.state in reviewer_states(user)


def visible_q(user) -> Q:
    """`can_see` as a filter on decisions, for lists and reports that cover thousands
    of them: the same three rules (tests/test_policy_visible_q.py checks that the two
    agree over every role and state). Keep them together: a rule changed in one
    must be changed in the other."""
    if is_records_manager(user):
        return Q()
    seen = Q(pk__in=[])  # nothing, unless a rule below allows
    if is_officer(user) and user.is_authenticated:
        shared = Decision.shared_with.through.objects.filter(
            decision_id=OuterRef("pk"), user_id=user.pk
        )
        seen |= Q(drafted_by_id=user.pk) | Q(Exists(shared))
    states = reviewer_states(user)
    if states:
        seen |= Q(state__in=sorted(states))
    return seen


def can_edit(user, decision: Decision) -> bool:
    """Only a draft's own officers change its content."""
    return decision.is_editable and is_officer(user) and is_drafter(user, decision)


class ReviewFacts:
    """What `refusal` reads beyond the decision row — whether the user co-drafts it,
    the review steps they already took on it, whether they hold the office they
    would sign in — read at once for many decisions (a reviewer's home lists every
    decision waiting for them), so the rules stay in `refusal` without a query per
    decision."""

    def __init__(self, user, decisions: list[Decision]) -> None:
        self.user = user
        ids = [decision.pk for decision in decisions]
        self.shared = set(
            Decision.shared_with.through.objects.filter(
                user_id=user.pk, decision_id__in=ids
            ).values_list("decision_id", flat=True)
        )
        self.steps: dict[int, set[str]] = defaultdict(set)
        events = DecisionEvent.objects.filter(
            actor_id=user.pk, action__in=REVIEW_STEPS, decision_id__in=ids
        ).values_list("decision_id", "action")
        for decision_id, action in events:
            self.steps[decision_id].add(action)
        self._offices: dict[Role, DomainError | None] = {}

    def is_drafter(self, decision: Decision) -> bool:
        user = self.user
        return user.is_authenticated and (
            decision.drafted_by_id == user.pk or decision.pk in self.shared
        )

    def took_another_step(self, decision: Decision, action: str) -> bool:
        return bool(self.steps[decision.pk] - {action})

    def office_refusal(self, role: Role) -> DomainError | None:
        if role not in self._offices:
            self._offices[role] = office_refusal(self.user, role)
        return self._offices[role]


def refusal(
    user, decision: Decision, action: str, *, facts: ReviewFacts | None = None
) -> DomainError | None:
    """Why this user may not take this workflow action now, or None if they may.

    ``facts``: the same facts read in bulk (`ReviewFacts`), for lists."""
    transition = TRANSITIONS[action]
    role = transition.actor_for(decision.state, decision.decision_type.final_approver)
    if role is None:
        return DomainError(
            Messages.ACTION_NOT_ALLOWED,
            reference=decision.reference or "This decision",
            state=decision.get_state_display().lower(),
            action=transition.past_participle,
        )
    if not user.has_perm(ROLE_PERMISSION[role]):
        return DomainError(Messages.ROLE_REQUIRED, role=role.label)
    drafter = facts.is_drafter(decision) if facts else is_drafter(user, decision)
    if role == Role.OFFICER and not drafter:
        return DomainError(Messages.NOT_YOUR_DRAFT)
    if role != Role.OFFICER and drafter:
        return DomainError(Messages.OWN_DECISION)  # separation of duties
    if transition.confirms == "sign_off":
        not_in_office = facts.office_refusal(role) if facts else office_refusal(user, role)
        if not_in_office is not None:
            return not_in_office
    if action in REVIEW_STEPS:
        # Someone holding several roles still takes one step: clear, sign and approve
        # are three people's judgements.
        if facts is not None:
            if facts.took_another_step(decision, action):
                return DomainError(Messages.ONE_REVIEW_STEP)
        elif decision.events.filter(actor=user, action__in=REVIEW_STEPS - {action}).exists():
            return DomainError(Messages.ONE_REVIEW_STEP)
    return None


def office_refusal(user, role: Role, day: dt.date | None = None) -> DomainError | None:
    """A signature is given as an office holder: whoever is not recorded in that
    office on the day (governance's list, kept by user administrators) may not sign
    as it, whatever roles or profile they have."""
    from governance.selectors import office_holder_on  # governance builds on decisions

    day = day or timezone.localdate()
    if office_holder_on(role=role, user=user, day=day) is not None:
        return None
    return DomainError(Messages.NOT_OFFICE_HOLDER, office=SignOffRole(role).label, day=uk_date(day))


def can_take(user, decision: Decision, action: str, *, facts: ReviewFacts | None = None) -> bool:
    return refusal(user, decision, action, facts=facts) is None


def actions_for(user, decision: Decision) -> list[str]:
    """The workflow actions this user may take on the decision now, in table order."""
    return [action for action in TRANSITIONS if can_take(user, decision, action)]


def signatures_refused_for_office(user, decision: Decision) -> list[str]:
    """Why this user, holding the signing role, may not sign now only because they are
    not the office holder: said on the review page rather than hiding the step."""
    reasons = []
    for action, transition in TRANSITIONS.items():
        refused = refusal(user, decision, action) if transition.confirms == "sign_off" else None
        if refused is not None and refused.template == Messages.NOT_OFFICE_HOLDER:
            reasons.append(refused.message)
    return reasons


def acting_role(decision: Decision, action: str) -> Role:
    """The role in which an allowed action is taken (call after ``refusal``)."""
    role = TRANSITIONS[action].actor_for(decision.state, decision.decision_type.final_approver)
    assert role is not None, "acting_role is asked only after the action was allowed"
    return role


def commenting_role(user, decision: Decision) -> Role | None:
    """The role in which this user takes part in the decision's conversation: its own
    officers, or a reviewer it has reached (preferring the role that acts on it now).
    None: they may not comment. Records managers see everything but are not part of
    the conversation."""
    if is_officer(user) and is_drafter(user, decision):
        return Role.OFFICER
    seeing = [
        role
        for role, permission in ROLE_PERMISSION.items()
        if role != Role.OFFICER
        and user.has_perm(permission)
        and decision.state in states_seen_by(role)
    ]
    if not seeing:
        return None
    final_approver = decision.decision_type.final_approver
    acting_now = {
        transition.actor_for(decision.state, final_approver) for transition in TRANSITIONS.values()
    }
    return next((role for role in seeing if role in acting_now), seeing[0])


def comment_refusal(user, decision: Decision) -> DomainError | None:
    """Why this user may not add to the decision's conversation now, or None if they may.
    The conversation is about getting the decision made: it closes with the decision."""
    if commenting_role(user, decision) is None:
        return DomainError(Messages.CONVERSATION_NOT_ALLOWED)
    if decision.state in FINAL_STATES:
        return DomainError(
            Messages.CONVERSATION_CLOSED,
            reference=decision.reference or "This decision",
            state=decision.get_state_display().lower(),
        )
    return None


def can_comment(user, decision: Decision) -> bool:
    return comment_refusal(user, decision) is None


def can_record_commitment(user, decision: Decision) -> bool:
    """Records managers against any approved decision; its own officers against theirs."""
    if is_records_manager(user):
        return True
    return is_officer(user) and is_drafter(user, decision)


def can_import(user) -> bool:
    """Records managers bring in decisions taken before the system, as published."""
    return is_records_manager(user)


def can_withdraw_publication(user) -> bool:
    return is_records_manager(user)


def can_share_with(colleague) -> bool:
    """A draft is shared only with an active officer."""
    return colleague.is_active and is_officer(colleague)


class UserAbilities:
    """What templates ask about the signed-in user (``{% if can.draft %}``): the same
    predicates, so a page never offers what the server would refuse."""

    def __init__(self, user) -> None:
        self.user = user

    @property
    def draft(self) -> bool:
        return is_officer(self.user)

    @property
    def review(self) -> bool:
        return is_reviewer(self.user)

    @property
    def manage_records(self) -> bool:
        return is_records_manager(self.user)

    @property
    def withdraw_publication(self) -> bool:
        return can_withdraw_publication(self.user)

    @property
    def import_archive(self) -> bool:
        return can_import(self.user)

    @property
    def view_part2(self) -> bool:
        return can_view_part2(self.user)

    # Roles, rules and office holders: asked of governance's policy (which builds on
    # this module, hence the late import).
    @property
    def administer_people(self) -> bool:
        from governance import policy as governance_policy

        return governance_policy.is_user_admin(self.user)

    @property
    def view_governance_audit(self) -> bool:
        from governance import policy as governance_policy

        return governance_policy.can_view_audit(self.user)


def abilities(request) -> dict[str, UserAbilities]:
    """Context processor: ``can`` in every template. Error pages raised before
    authentication ran (a disallowed Host header) have no ``request.user``: they are
    rendered as for an anonymous visitor."""
    return {"can": UserAbilities(getattr(request, "user", None) or AnonymousUser())}
