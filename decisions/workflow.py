"""The decision workflow: every state and every allowed transition, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.roles import Role


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "With the Head of Service"
    CLEARED = "cleared", "With the Chief Executive"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


FINAL_STATES = frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN})
# Only a draft's content may change; everything after is frozen until returned.
EDITABLE_STATES = frozenset({State.DRAFT})
# States in which a decision need not yet carry a reference from its series.
UNNUMBERED_STATES = frozenset({State.DRAFT, State.WITHDRAWN})

# The permission that lets a user act in each role.
ROLE_PERMISSION = {
    Role.OFFICER: "decisions.draft_decision",
    Role.HEAD_OF_SERVICE: "decisions.review_decision",
    Role.CHIEF_EXECUTIVE: "decisions.clear_decision",
    Role.DMPC: "decisions.approve_decision",
}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    target: State
    # Which role may take this action from each source state.
    actors: dict[State, Role]
    # "final": only the decision type's final approver may take it (approve,
    # reject); "forward": only when someone else approves (the CE's signature
    # that sends a PCD on to the DMPC). None: any decision type.
    approver_rule: str | None = None
    comment_required: bool = False

    @property
    def sources(self) -> frozenset[State]:
        return frozenset(self.actors)

    def actor_for(self, state: str, final_approver: str) -> Role | None:
        """The role that may take this action now, or None if it is not allowed."""
        role = self.actors.get(State(state))
        if role is None:
            return None
        if self.approver_rule == "final" and role != final_approver:
            return None
        if self.approver_rule == "forward" and role == final_approver:
            return None
        return role


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "Submit", State.SUBMITTED, {State.DRAFT: Role.OFFICER}),
        Transition("clear", "Clear", State.CLEARED, {State.SUBMITTED: Role.HEAD_OF_SERVICE}),
        Transition(
            "sign",
            "Sign and send to the Deputy Mayor",
            State.AWAITING_APPROVAL,
            {State.CLEARED: Role.CHIEF_EXECUTIVE},
            approver_rule="forward",
        ),
        Transition(
            "approve",
            "Approve",
            State.APPROVED,
            {State.AWAITING_APPROVAL: Role.DMPC, State.CLEARED: Role.CHIEF_EXECUTIVE},
            approver_rule="final",
        ),
        Transition(
            "reject",
            "Reject",
            State.REJECTED,
            {State.AWAITING_APPROVAL: Role.DMPC, State.CLEARED: Role.CHIEF_EXECUTIVE},
            approver_rule="final",
            comment_required=True,
        ),
        Transition(
            "return",
            "Return to the officer",
            State.DRAFT,
            {
                State.SUBMITTED: Role.HEAD_OF_SERVICE,
                State.CLEARED: Role.CHIEF_EXECUTIVE,
                State.AWAITING_APPROVAL: Role.DMPC,
            },
            comment_required=True,
        ),
        Transition("withdraw", "Withdraw", State.WITHDRAWN, {State.DRAFT: Role.OFFICER}),
    )
}

# Not a user action: a historical record loaded with its real reference and dates.
IMPORT_ACTION = "import"
