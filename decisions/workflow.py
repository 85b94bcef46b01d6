"""The decision workflow: every state and every allowed transition, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import Role

# Each person's home: their work list.
HOME = "drafting:home"


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
    """Everything about one workflow step. Adding a step is one entry here plus its
    service in decisions/services/workflow.py."""

    action: str
    label: str
    past_participle: str
    target: State
    # Which role may take this action from each source state.
    actors: dict[State, Role]
    # Shown to the actor once the step is done.
    success_message: str
    # The form the actor fills in (a dotted path: forms import the models).
    form: str = "decisions.forms_review.ActionForm"
    # Where the actor goes next: officers to their task list, reviewers back to
    # the decision they acted on, or to their home (HOME) when the step takes the
    # decision out of their sight (returned to the officer, it is a draft again).
    after: str = "drafting:review"
    # "final": only the decision type's final approver may take it (approve,
    # reject); "forward": only when someone else approves (the CE's signature
    # that sends a PCD on to the DMPC). None: any decision type.
    approver_rule: str | None = None
    comment_required: bool = False
    # A step that moves the decision on towards approval (its next actor is told).
    moves_forward: bool = False
    # What the actor confirms on the review page: "head_of_service" (their
    # declaration) or "sign_off" (they sign, in their role, the statement stored
    # for the decision type and role: SignOffWording).
    confirms: str = ""
    # Who is emailed once it is done: "next" (whoever acts next) or "officers".
    notify: str = ""
    # GOV.UK button style on the review page: "", "secondary" or "warning".
    button: str = ""
    # Destructive and final (withdraw, reject): taken on a page of its own that says
    # what will happen and asks for a reason, never by a button beside the others.
    confirm_page: bool = False
    # What the confirmation page says will happen ({approver} as in the label).
    consequences: tuple[str, ...] = ()

    def label_for(self, decision) -> str:
        """The label with the decision type's final approver named where it says
        ``{approver}``: the scheme of delegation is data."""
        return self.label.format(approver=decision.decision_type.approver_title)

    def success_message_for(self, decision) -> str:
        return self.success_message.format(
            approver=decision.decision_type.approver_title,
            publication=_publication_phrase(decision),
            reference=decision.reference or decision.title,
        )

    def after_url(self, decision) -> str:
        if self.after == HOME:
            return reverse(HOME)
        return reverse(self.after, kwargs={"pk": decision.pk})

    def consequences_for(self, decision) -> list[str]:
        approver = decision.decision_type.approver_title
        return [sentence.format(approver=approver) for sentence in self.consequences]

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


def _publication_phrase(decision) -> str:
    """When an approved decision reaches the public: now, or on its deferral date."""
    until = decision.deferred_until if decision.deferred else None
    if until and until > timezone.localdate():
        return f"It will be published on {date_format(until, 'j F Y')}"
    return "It is now published"


_FORMS = "decisions.forms_review."

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            "Submit to the Head of Service",
            "submitted",
            State.SUBMITTED,
            {State.DRAFT: Role.OFFICER},
            success_message="Submitted to the Head of Service.",
            form=_FORMS + "SubmitForm",
            after="drafting:overview",
            moves_forward=True,
            notify="next",
        ),
        Transition(
            "clear",
            "Clear and send to the Chief Executive",
            "cleared",
            State.CLEARED,
            {State.SUBMITTED: Role.HEAD_OF_SERVICE},
            success_message="Cleared and sent to the Chief Executive.",
            form=_FORMS + "ConfirmForm",
            moves_forward=True,
            confirms="head_of_service",
            notify="next",
        ),
        Transition(
            "sign",
            "Sign and send to the {approver}",
            "signed",
            State.AWAITING_APPROVAL,
            {State.CLEARED: Role.CHIEF_EXECUTIVE},
            success_message="Signed and sent to the {approver}.",
            form=_FORMS + "SignForm",
            approver_rule="forward",
            moves_forward=True,
            confirms="sign_off",
            notify="next",
        ),
        Transition(
            "approve",
            "Approve and publish",
            "approved",
            State.APPROVED,
            {State.AWAITING_APPROVAL: Role.DMPC, State.CLEARED: Role.CHIEF_EXECUTIVE},
            success_message="Approved. The decision is final. {publication}.",
            form=_FORMS + "ApproveForm",
            approver_rule="final",
            moves_forward=True,
            confirms="sign_off",
            notify="officers",
        ),
        Transition(
            "reject",
            "Reject the decision",
            "rejected",
            State.REJECTED,
            {State.AWAITING_APPROVAL: Role.DMPC, State.CLEARED: Role.CHIEF_EXECUTIVE},
            success_message="Rejected. The decision is closed and the officer has been told.",
            form=_FORMS + "RejectForm",
            approver_rule="final",
            comment_required=True,
            notify="officers",
            button="warning",
            confirm_page=True,
            consequences=(
                "The decision is rejected and closed. It will not be approved or published.",
                "The officers who drafted it are told, with your reason.",
                "It cannot be sent back to the officer afterwards. If it only needs changes, "
                "return it to the officer instead.",
            ),
        ),
        Transition(
            "return",
            "Return to the officer",
            "returned",
            State.DRAFT,
            {
                State.SUBMITTED: Role.HEAD_OF_SERVICE,
                State.CLEARED: Role.CHIEF_EXECUTIVE,
                State.AWAITING_APPROVAL: Role.DMPC,
            },
            success_message="{reference} returned to the officer.",
            form=_FORMS + "CommentRequiredForm",
            after=HOME,
            comment_required=True,
            notify="officers",
            button="secondary",
        ),
        Transition(
            "withdraw",
            "Withdraw the draft",
            "withdrawn",
            State.WITHDRAWN,
            {State.DRAFT: Role.OFFICER},
            success_message="Withdrawn. The draft is closed: nobody can change or submit it.",
            form=_FORMS + "WithdrawForm",
            after="drafting:overview",
            comment_required=True,
            button="warning",
            confirm_page=True,
            consequences=(
                "The draft is closed. Nobody can change it, submit it or publish it.",
                "It stays in the records, with its history, as withdrawn.",
                "To take the proposal forward later, start a new decision.",
            ),
        ),
    )
}

# Clear, sign and approve are three people's judgements: one person takes one.
REVIEW_STEPS = frozenset({"clear", "sign", "approve"})

# Not a user action: a historical record loaded with its real reference and dates.
IMPORT_ACTION = "import"
# Not a transition either: a note in the decision's conversation. Its event keeps the
# state as it was (from_state == to_state), so nothing may read it as a move.
COMMENT_ACTION = "comment"

# What the other events of a decision's log are called where people read them (the
# back office's event list); the workflow steps are called by their past participle.
# "create" and "withdraw_publication" are written by their services under these codes.
_OTHER_EVENT_LABELS = {
    "create": "Created",
    IMPORT_ACTION: "Imported",
    COMMENT_ACTION: "Commented",
    "withdraw_publication": "Withdrawn from publication",
}


def event_action_label(action: str) -> str:
    """An event's action in words: "Submitted", "Imported", never the stored code."""
    if action in TRANSITIONS:
        return TRANSITIONS[action].past_participle.capitalize()
    return _OTHER_EVENT_LABELS.get(action, action.replace("_", " ").capitalize())


def event_action_choices() -> list[tuple[str, str]]:
    """Every action an event may record, with its words, in the order of the workflow."""
    actions = ["create", *TRANSITIONS, *list(_OTHER_EVENT_LABELS)[1:]]
    return [(action, event_action_label(action)) for action in actions]


def next_role(state: str, final_approver: str) -> Role | None:
    """Who moves a decision in this state on towards approval (None: nobody)."""
    for transition in TRANSITIONS.values():
        if transition.moves_forward:
            role = transition.actor_for(state, final_approver)
            if role is not None:
                return role
    return None


def states_seen_by(role: Role) -> frozenset[State]:
    """A reviewer sees what is with them and everything after: the states they act
    in, and every state reachable from those except back to the officer."""
    if role == Role.OFFICER:
        return frozenset()
    seen = {state for t in TRANSITIONS.values() for state, r in t.actors.items() if r == role}
    frontier = set(seen)
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS.values():
            target = transition.target
            onward = target not in (State.DRAFT, State.WITHDRAWN) and target not in seen
            if state in transition.actors and onward:
                seen.add(target)
                frontier.add(target)
    return frozenset(seen)
