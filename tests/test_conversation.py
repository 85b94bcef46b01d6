"""The conversation on a decision: who may comment, the event each comment leaves,
where comments are shown, and that nothing reads a comment as a move."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.roles import Role
from core.errors import PERMISSION_MESSAGES, DomainError, Messages
from decisions import policy
from decisions.digest import decision_content_digest
from decisions.models import Decision, DecisionEvent
from decisions.selectors import decisions_for_home
from decisions.selectors.public import decision_lifecycle
from decisions.services import (
    comment_add,
    decision_approve,
    decision_clear,
    decision_sign,
    decision_submit,
)
from tests.factories import (
    UserFactory,
    approved_decision,
    awaiting_approval_decision,
    cleared_decision,
    complete_draft,
    rejected_decision,
    returned_decision,
    submitted_decision,
    withdrawn_decision,
)
from tests.helpers import page_text


def url(name, decision, **kwargs):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})


# --- Who may comment -------------------------------------------------------------------


def test_the_drafting_officers_comment_and_an_unrelated_officer_does_not(officer, other_officer):
    decision = complete_draft(user=officer)
    co_drafter = UserFactory(role=Role.OFFICER)
    decision.shared_with.add(co_drafter)
    assert policy.commenting_role(officer, decision) == Role.OFFICER
    assert policy.commenting_role(co_drafter, decision) == Role.OFFICER
    assert policy.comment_refusal(other_officer, decision).template == (
        Messages.CONVERSATION_NOT_ALLOWED
    )
    with pytest.raises(DomainError) as error:
        comment_add(decision=decision, user=other_officer, text="Me too")
    assert error.value.template in PERMISSION_MESSAGES
    assert not DecisionEvent.objects.filter(decision=decision, action="comment").exists()


def test_reviewers_comment_once_the_decision_has_reached_them(officer, reviewers):
    decision = complete_draft(user=officer)
    for reviewer in (reviewers.head, reviewers.chief_executive, reviewers.dmpc):  # none yet
        assert not policy.can_comment(reviewer, decision)
    decision = decision_submit(user=officer, decision=decision)
    assert policy.commenting_role(reviewers.head, decision) == Role.HEAD_OF_SERVICE
    assert not policy.can_comment(reviewers.chief_executive, decision)
    assert not policy.can_comment(reviewers.dmpc, decision)
    decision = decision_clear(user=reviewers.head, decision=decision)
    # The Head of Service still sees it (and may still comment); the CE now acts on it.
    assert policy.commenting_role(reviewers.head, decision) == Role.HEAD_OF_SERVICE
    assert policy.commenting_role(reviewers.chief_executive, decision) == Role.CHIEF_EXECUTIVE
    assert not policy.can_comment(reviewers.dmpc, decision)


def test_someone_holding_several_roles_comments_in_the_one_that_acts_now(officer):
    both = UserFactory(role=[Role.HEAD_OF_SERVICE, Role.CHIEF_EXECUTIVE])
    decision = cleared_decision(user=officer)
    assert policy.commenting_role(both, decision) == Role.CHIEF_EXECUTIVE
    event = comment_add(decision=decision, user=both, text="Signing tomorrow.")
    assert event.actor_role == Role.CHIEF_EXECUTIVE


def test_records_managers_see_everything_but_are_not_in_the_conversation(officer, records_manager):
    decision = submitted_decision(user=officer)
    assert policy.can_see(records_manager, decision)
    assert not policy.can_comment(records_manager, decision)


@pytest.mark.parametrize("factory", [approved_decision, rejected_decision, withdrawn_decision])
def test_the_conversation_closes_with_the_decision(officer, factory):
    decision = factory(user=officer)
    refusal = policy.comment_refusal(officer, decision)
    assert refusal is not None and refusal.template == Messages.CONVERSATION_CLOSED
    with pytest.raises(DomainError):
        comment_add(decision=decision, user=officer, text="Too late")


# --- The event -------------------------------------------------------------------------


def test_a_comment_is_an_event_that_moves_nothing(officer, reviewers):
    decision = submitted_decision(user=officer)
    history_rows = Decision.history.filter(id=decision.pk).count()
    before = DecisionEvent.objects.filter(decision=decision).count()
    event = comment_add(decision=decision, user=reviewers.head, text="  Which survey is 8.1?  ")
    assert DecisionEvent.objects.filter(decision=decision).count() == before + 1
    assert (event.action, event.from_state, event.to_state) == ("comment", "submitted", "submitted")
    assert (event.actor, event.actor_name) == (reviewers.head, reviewers.head.display_name)
    assert event.actor_role == Role.HEAD_OF_SERVICE
    assert event.comment == "Which survey is 8.1?"
    assert event.content_digest == decision_content_digest(Decision.objects.get(pk=decision.pk))
    decision.refresh_from_db()
    assert decision.state == "submitted"
    assert Decision.history.filter(id=decision.pk).count() == history_rows  # no edit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", Messages.CONVERSATION_COMMENT_REQUIRED),
        ("x" * 5_001, Messages.COMMENT_TOO_LONG),
    ],
)
def test_an_empty_or_overlong_comment_is_refused_beside_the_box(officer, text, message):
    decision = complete_draft(user=officer)
    with pytest.raises(DomainError) as error:
        comment_add(decision=decision, user=officer, text=text)
    assert (error.value.template, error.value.field) == (message, "text")
    assert not DecisionEvent.objects.filter(decision=decision, action="comment").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_comments_are_append_only(officer):
    decision = complete_draft(user=officer)
    event = comment_add(decision=decision, user=officer, text="First thoughts")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DecisionEvent.objects.filter(pk=event.pk).update(comment="Second thoughts")
    event.refresh_from_db()
    assert event.comment == "First thoughts"


def _returned(officer) -> list[int]:
    groups = decisions_for_home(officer).officer_groups
    return [row.decision.pk for group in groups if group.slug == "returned" for row in group.rows]


def test_a_comment_on_a_returned_draft_leaves_it_returned(officer):
    decision = returned_decision(user=officer)
    assert _returned(officer) == [decision.pk]
    comment_add(decision=decision, user=officer, text="Working on 8.1 now.")
    assert _returned(officer) == [decision.pk]


def test_the_public_lifecycle_lists_steps_not_comments(officer, reviewers):
    decision = submitted_decision(user=officer)
    comment_add(decision=decision, user=reviewers.head, text="Looks right.")
    decision = decision_clear(user=reviewers.head, decision=decision)
    decision = decision_sign(user=reviewers.chief_executive, decision=decision)
    decision = decision_approve(user=reviewers.dmpc, decision=decision)
    keys = [row["key"] for row in decision_lifecycle(decision)]
    assert keys == [
        "Drafted",
        "Cleared",
        "Signed by the Chief Executive Officer",
        "Signed by the Deputy Mayor for Policing and Crime",
        "Published",
    ]


# --- Through the pages -----------------------------------------------------------------


def test_officer_and_head_of_service_read_each_others_comments(client, officer, reviewers):
    decision = complete_draft(user=officer)
    decision = decision_submit(
        user=officer, decision=decision, comment="The 8.1 figures are from 2025."
    )
    client.force_login(reviewers.head)
    review = page_text(client.get(url("review", decision)))
    assert "The 8.1 figures are from 2025." in review
    response = client.post(
        url("comment", decision), {"text": "Which survey, exactly?", "back": "review"}
    )
    assert response.status_code == 302
    assert response.url == url("review", decision) + "#conversation"

    client.force_login(officer)
    overview = page_text(client.get(url("overview", decision)))
    head = reviewers.head.display_name
    assert f"{head}, Head of Service" in overview and "Which survey, exactly?" in overview
    response = client.post(
        url("comment", decision), {"text": "The London survey.", "back": "overview"}
    )
    assert response.url == url("overview", decision) + "#conversation"

    client.force_login(reviewers.head)
    review = page_text(client.get(url("review", decision)))
    # Oldest first: the submit note, the question, the answer.
    first = review.index("The 8.1 figures are from 2025.")
    assert first < review.index("Which survey, exactly?") < review.index("The London survey.")
    assert f"{officer.display_name}, Officer" in review


def test_a_refused_comment_keeps_the_typed_text(client, officer):
    decision = complete_draft(user=officer)
    client.force_login(officer)
    long_text = "Background. " * 500  # over 5,000 characters
    response = client.post(url("comment", decision), {"text": long_text, "back": "overview"})
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert Messages.COMMENT_TOO_LONG in text
    assert long_text.strip() in text
    response = client.post(url("comment", decision), {"text": "  ", "back": "overview"})
    assert Messages.CONVERSATION_COMMENT_REQUIRED in page_text(response)
    assert not DecisionEvent.objects.filter(decision=decision, action="comment").exists()


def test_who_cannot_comment_is_refused_through_the_page(client, officer, other_officer, reviewers):
    decision = submitted_decision(user=officer)
    for outsider in (other_officer, reviewers.dmpc):  # not theirs to see: not found
        client.force_login(outsider)
        assert client.post(url("comment", decision), {"text": "Hello"}).status_code == 404
    decision = approved_decision(user=UserFactory(role=Role.OFFICER))
    approver = decision.events.get(action="approve").actor
    client.force_login(approver)
    response = client.post(url("comment", decision), {"text": "Well done"})
    assert response.status_code == 409
    assert "its conversation is closed" in page_text(response)
    assert not DecisionEvent.objects.filter(action="comment").exists()


def test_review_page_has_no_comment_box_for_a_records_manager(client, officer, records_manager):
    decision = awaiting_approval_decision(user=officer)
    comment_add(decision=decision, user=officer, text="Ready when you are.")
    client.force_login(records_manager)
    response = client.get(url("review", decision))
    assert "Ready when you are." in page_text(response)
    assert url("comment", decision) not in response.content.decode()
