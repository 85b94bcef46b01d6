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


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    target: State
    # Which role may take this action from each source state.
    actors: dict[State, Role]

    @property
    def sources(self) -> frozenset[State]:
        return frozenset(self.actors)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", "Submit", State.SUBMITTED, {State.DRAFT: Role.OFFICER}),
        Transition("clear", "Clear", State.CLEARED, {State.SUBMITTED: Role.HEAD_OF_SERVICE}),
        Transition(
            "sign",
            "Sign as Chief Executive",
            State.AWAITING_APPROVAL,
            {State.CLEARED: Role.CHIEF_EXECUTIVE},
        ),
        Transition("approve", "Approve", State.APPROVED, {State.AWAITING_APPROVAL: Role.DMPC}),
        Transition("reject", "Reject", State.REJECTED, {State.AWAITING_APPROVAL: Role.DMPC}),
        Transition(
            "return",
            "Return to the officer",
            State.DRAFT,
            {
                State.SUBMITTED: Role.HEAD_OF_SERVICE,
                State.CLEARED: Role.CHIEF_EXECUTIVE,
                State.AWAITING_APPROVAL: Role.DMPC,
            },
        ),
        Transition("withdraw", "Withdraw", State.WITHDRAWN, {State.DRAFT: Role.OFFICER}),
    )
}

# Not a user action: a historical record loaded with its real reference and dates.
IMPORT_ACTION = "import"
