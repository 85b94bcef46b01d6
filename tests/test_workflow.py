"""The workflow: every state x every action x every role, and the audit it leaves."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from core.errors import PERMISSION_MESSAGES, DomainError, Messages
from decisions.models import Decision, DecisionEvent, SignOff
from decisions.services import (
    ACTION_SERVICES,
    decision_approve,
    decision_clear,
    decision_return,
    decision_sign,
    decision_submit,
)
from decisions.workflow import TRANSITIONS, State
from tests.factories import UserFactory, complete_draft
from tests.helpers import run_tasks

ACTORS = ["drafter", "other_officer", "head", "ceo", "dmpc", "records", "drafting_dmpc"]
ACTOR_ROLES = {
    "drafter": [Role.OFFICER],
    "other_officer": [Role.OFFICER],
    "head": [Role.HEAD_OF_SERVICE],
    "ceo": [Role.CHIEF_EXECUTIVE],
    "dmpc": [Role.DMPC],
    "records": [Role.RECORDS_MANAGER],
    # Holds every role, but drafted the decision: separation of duties applies.
    "drafting_dmpc": [Role.OFFICER, Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE, Role.DMPC],
}
# Who may do what from where, for a PCD (final approver: the DMPC).
ALLOWED = {
    (State.DRAFT, "submit"): {"drafter", "drafting_dmpc"},
    (State.DRAFT, "withdraw"): {"drafter", "drafting_dmpc"},
    (State.SUBMITTED, "clear"): {"head"},
    (State.SUBMITTED, "return"): {"head"},
    (State.CLEARED, "sign"): {"ceo"},
    (State.CLEARED, "return"): {"ceo"},
    (State.AWAITING_APPROVAL, "approve"): {"dmpc"},
    (State.AWAITING_APPROVAL, "reject"): {"dmpc"},
    (State.AWAITING_APPROVAL, "return"): {"dmpc"},
}


@pytest.fixture
def people(db):
    return {
        name: UserFactory(username=name, role=roles, email=f"{name}@example.org")
        for name, roles in ACTOR_ROLES.items()
    }


def decision_in(state, people):
    """A PCD in the given state, reached through the real services."""
    decision = complete_draft(user=people["drafter"])
    decision.shared_with.add(people["drafting_dmpc"])
    path = {
        State.DRAFT: [],
        State.SUBMITTED: ["submit"],
        State.CLEARED: ["submit", "clear"],
        State.AWAITING_APPROVAL: ["submit", "clear", "sign"],
        State.APPROVED: ["submit", "clear", "sign", "approve"],
        State.REJECTED: ["submit", "clear", "sign", "reject"],
        State.WITHDRAWN: ["withdraw"],
    }[state]
    actor_for = {"submit": "drafter", "withdraw": "drafter", "clear": "head", "sign": "ceo",
                 "approve": "dmpc", "reject": "dmpc"}  # fmt: skip
    for action in path:
        ACTION_SERVICES[action](user=people[actor_for[action]], decision=decision, comment="ok")
    decision.refresh_from_db()
    assert decision.state == state
    return decision


def test_the_table_has_exactly_the_allowed_pairs():
    pairs = {
        (state, action)
        for action, transition in TRANSITIONS.items()
        for state in transition.sources
        if transition.actor_for(state, "dmpc")
    }
    assert pairs == set(ALLOWED)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_state_action_and_role(people, state, action):
    decision = decision_in(state, people)
    allowed_actors = ALLOWED.get((state, action), set())
    # Every refusal first, then one allowed actor (after which the state has moved on).
    order = [a for a in ACTORS if a not in allowed_actors] + sorted(allowed_actors)[:1]
    for actor in order:
        events = DecisionEvent.objects.filter(decision=decision).count()
        history = Decision.history.filter(id=decision.pk).count()
        user = people[actor]
        allowed = actor in ALLOWED.get((state, action), set())
        if allowed:
            result = ACTION_SERVICES[action](user=user, decision=decision, comment="Because.")
            assert result.state == TRANSITIONS[action].target
            new_events = DecisionEvent.objects.filter(decision=decision).order_by("-pk")
            assert new_events.count() == events + 1
            event = new_events.first()
            assert (event.action, event.from_state, event.to_state, event.actor) == (
                action,
                state,
                TRANSITIONS[action].target,
                user,
            )
            assert len(event.content_digest) == 64
            record = Decision.history.filter(id=decision.pk).first()
            assert record.state == TRANSITIONS[action].target
            assert record.history_user == user
            assert Decision.history.filter(id=decision.pk).count() > history
            return  # the decision has moved on; other actors are covered by other states
        with pytest.raises(DomainError) as error:
            ACTION_SERVICES[action](user=user, decision=decision, comment="Because.")
        assert error.value.template in PERMISSION_MESSAGES | {Messages.ACTION_NOT_ALLOWED}
        if (state, action) in ALLOWED:
            assert error.value.template in PERMISSION_MESSAGES  # right moment, wrong person
        if actor == "drafting_dmpc" and (state, action) in ALLOWED:
            # Holds the role but drafted it: separation of duties, by name.
            assert error.value.template == Messages.OWN_DECISION
        assert DecisionEvent.objects.filter(decision=decision).count() == events
        assert Decision.history.filter(id=decision.pk).count() == history
        decision.refresh_from_db()
        assert decision.state == state


@pytest.mark.parametrize("action", ["approve", "reject", "return"])
def test_ceod_final_actions_are_the_chief_executives(people, action):
    decision = complete_draft(user=people["drafter"], type_code="CEOD")
    decision.shared_with.add(people["drafting_dmpc"])  # a co-drafter holding the CE role
    decision = decision_submit(user=people["drafter"], decision=decision)
    decision = decision_clear(user=people["head"], decision=decision)
    # Why each is refused: they lack the Chief Executive's role, or (holding it) drafted it.
    refusals = {
        "dmpc": Messages.ROLE_REQUIRED,
        "head": Messages.ROLE_REQUIRED,
        "records": Messages.ROLE_REQUIRED,
        "drafter": Messages.ROLE_REQUIRED,
        "drafting_dmpc": Messages.OWN_DECISION,
    }
    for actor, template in refusals.items():
        with pytest.raises(DomainError) as error:
            ACTION_SERVICES[action](user=people[actor], decision=decision, comment="x")
        assert error.value.template == template, actor
        if template == Messages.ROLE_REQUIRED:
            assert "Chief Executive" in error.value.message, actor
    assert decision.events.filter(action=action).count() == 0
    result = ACTION_SERVICES[action](user=people["ceo"], decision=decision, comment="x")
    assert result.state == TRANSITIONS[action].target
    assert decision.events.filter(action=action).count() == 1


def test_return_and_rejection_tell_the_officers(people):
    for ending in ("return", "reject"):
        decision = decision_in(State.AWAITING_APPROVAL, people)
        run_tasks()
        mail.outbox.clear()
        ACTION_SERVICES[ending](user=people["dmpc"], decision=decision, comment="Fix 3.1")
        assert mail.outbox == []  # queued, sent by the task worker
        assert run_tasks() == 1
        assert [sorted(m.to) for m in mail.outbox] == [
            ["drafter@example.org", "drafting_dmpc@example.org"]
        ]
        assert "Fix 3.1" in mail.outbox[0].body
        where = {"return": "back with the officer, as a draft", "reject": "rejected"}[ending]
        assert f"It is now {where}.\n" in mail.outbox[0].body


def test_full_journey_signs_digests_and_notifies(people):
    decision = complete_draft(user=people["drafter"])
    decision.shared_with.add(people["drafting_dmpc"])
    mail.outbox.clear()
    decision = decision_submit(user=people["drafter"], decision=decision)
    run_tasks()
    assert decision.reference.startswith("PCD ")
    # The Head of Service is told; the drafter, though holding that role too, is not.
    assert mail.outbox[0].to == ["head@example.org"]
    drafter = people["drafter"].display_name
    assert mail.outbox[0].subject == f"{decision.reference}: submitted by {drafter}"
    assert "It is now with the Head of Service.\n" in mail.outbox[0].body
    decision = decision_clear(user=people["head"], decision=decision)
    head_row = decision.declarations.get(kind="head_of_service")
    assert head_row.is_confirmed and head_row.confirmed_by == people["head"]
    decision = decision_sign(user=people["ceo"], decision=decision)
    run_tasks()
    mail.outbox.clear()
    decision = decision_approve(user=people["dmpc"], decision=decision, interests="")
    run_tasks()
    assert decision.state == State.APPROVED and decision.approved_at <= timezone.now()
    sign_offs = {s.role: s for s in decision.sign_offs.all()}
    assert set(sign_offs) == {"chief_executive", "dmpc"}
    assert sign_offs["dmpc"].interests == ""
    approve_event = decision.events.get(action="approve")
    assert sign_offs["dmpc"].content_digest == approve_event.content_digest
    assert [sorted(m.to) for m in mail.outbox] == [
        ["drafter@example.org", "drafting_dmpc@example.org"]
    ]
    dmpc = people["dmpc"].display_name
    assert mail.outbox[0].subject == f"{decision.reference}: approved by {dmpc}"
    assert "It is now approved.\n" in mail.outbox[0].body


def test_return_needs_a_comment_and_undoes_confirmations(people):
    decision = decision_in(State.AWAITING_APPROVAL, people)
    with pytest.raises(DomainError) as error:
        decision_return(user=people["dmpc"], decision=decision, comment="  ")
    assert error.value.template == Messages.COMMENT_REQUIRED
    decision = decision_return(user=people["dmpc"], decision=decision, comment="Fix 2.3")
    assert decision.state == State.DRAFT
    assert not SignOff.objects.filter(decision=decision).exists()
    assert not decision.declarations.get(kind="head_of_service").is_confirmed
    # Resubmitting keeps the reference it was given the first time.
    reference = decision.reference
    decision = decision_submit(user=people["drafter"], decision=decision)
    assert decision.reference == reference


def test_incomplete_drafts_cannot_be_submitted(people):
    from tests.factories import draft_decision

    decision = draft_decision(user=people["drafter"])
    with pytest.raises(DomainError) as error:
        decision_submit(user=people["drafter"], decision=decision)
    assert error.value.template == Messages.SUBMISSION_BLOCKED
    assert "add at least one recommendation" in error.value.message
    assert decision.events.count() == 1


def test_ceod_at_or_over_the_limit_cannot_be_submitted(people):
    from funding.services import LineSpec, envelope_create

    decision = complete_draft(user=people["drafter"], type_code="CEOD")
    envelope_create(
        user=people["drafter"],
        decision=decision,
        description="Grant",
        funding_source="Core",
        total_pence=500_000_00,
        lines=[LineSpec("grant", 500_000_00)],
    )
    with pytest.raises(DomainError) as error:
        decision_submit(user=people["drafter"], decision=decision)
    assert error.value.template == Messages.OVER_DELEGATION_LIMIT
    assert "less than £500,000; this decision is worth £500,000" in error.value.message


def test_ceod_is_approved_by_the_chief_executive(people):
    decision = complete_draft(user=people["drafter"], type_code="CEOD")
    decision = decision_submit(user=people["drafter"], decision=decision)
    assert decision.reference.startswith("CEOD ")
    decision = decision_clear(user=people["head"], decision=decision)
    # A CEOD goes to no one after the Chief Executive: there is nothing to sign on to.
    with pytest.raises(DomainError) as error:
        decision_sign(user=people["ceo"], decision=decision)
    assert error.value.template == Messages.ACTION_NOT_ALLOWED
    assert "cannot be signed now" in error.value.message
    assert not decision.sign_offs.exists()
    decision = decision_approve(user=people["ceo"], decision=decision)
    assert decision.state == State.APPROVED
    assert decision.sign_offs.get().role == "chief_executive"


def test_approved_content_is_frozen(people):
    from decisions.services import paragraph_add

    decision = decision_in(State.APPROVED, people)
    with pytest.raises(DomainError) as error:
        paragraph_add(user=people["drafter"], decision=decision, section_kind=1, text="Late")
    assert error.value.template == Messages.NOT_EDITABLE
