"""Every text a service writes is held to its column's length, whoever calls it: too
long is refused with a message beside the field, exactly at the limit is accepted."""

import pytest
from django.urls import reverse

from core.errors import Messages
from decisions.models import DecisionEvent, SignOff
from decisions.services import decision_approve, decision_return
from funding.models import BudgetEnvelope, BudgetMovement
from funding.services import LineSpec, budget_movement_propose, envelope_create
from tests.factories import awaiting_approval_decision, complete_draft, reviewers_create
from tests.helpers import page_text, signing_data
from tests.test_budget_moves import amended, amendment, line  # noqa: F401 (fixture)
from tests.test_services import raises

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
COMMENT_LIMIT = DecisionEvent._meta.get_field("comment").max_length
INTERESTS_LIMIT = SignOff._meta.get_field("interests").max_length
FUNDING_SOURCE_LIMIT = BudgetEnvelope._meta.get_field("funding_source").max_length
REASON_LIMIT = BudgetMovement._meta.get_field("over_commitment_reason").max_length


@pytest.fixture
def reviewers(db):
    return reviewers_create()


@pytest.fixture
def awaiting(officer, reviewers):
    return awaiting_approval_decision(user=officer, reviewers=reviewers)


def test_a_return_comment_is_held_to_its_limit(awaiting, reviewers):
    with raises(Messages.COMMENT_TOO_LONG) as error:
        decision_return(user=reviewers.dmpc, decision=awaiting, comment="x" * (COMMENT_LIMIT + 1))
    assert error.value.field == "comment"
    assert not DecisionEvent.objects.filter(decision=awaiting, action="return").exists()
    decision_return(user=reviewers.dmpc, decision=awaiting, comment="y" * COMMENT_LIMIT)
    event = DecisionEvent.objects.get(decision=awaiting, action="return")
    assert len(event.comment) == COMMENT_LIMIT


def test_declared_interests_are_held_to_their_limit(awaiting, reviewers):
    with raises(Messages.INTERESTS_TOO_LONG) as error:
        decision_approve(
            user=reviewers.dmpc, decision=awaiting, interests="x" * (INTERESTS_LIMIT + 1)
        )
    assert error.value.field == "interests"
    assert not SignOff.objects.filter(decision=awaiting, role="dmpc").exists()
    decision_approve(user=reviewers.dmpc, decision=awaiting, interests="y" * INTERESTS_LIMIT)
    sign_off = SignOff.objects.get(decision=awaiting, signer=reviewers.dmpc)
    assert len(sign_off.interests) == INTERESTS_LIMIT


def test_too_long_interests_get_a_message_on_the_approval_page(client, awaiting, reviewers):
    client.force_login(reviewers.dmpc)
    response = client.post(
        reverse("drafting:act", kwargs={"pk": awaiting.pk, "action": "approve"}),
        signing_data(
            reviewers.dmpc,
            {"has_interests": "yes", "interests": "x" * 100_000, "password": PASSWORD},
        ),
    )
    assert response.status_code == 200
    assert Messages.INTERESTS_TOO_LONG in page_text(response)
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval"


def test_a_too_long_return_comment_gets_a_message_on_the_page(client, awaiting, reviewers):
    client.force_login(reviewers.dmpc)
    response = client.post(
        reverse("drafting:act", kwargs={"pk": awaiting.pk, "action": "return"}),
        {"comment": "x" * 100_000},
    )
    assert response.status_code == 200
    assert Messages.COMMENT_TOO_LONG in page_text(response)
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval"


def test_a_budget_funding_source_is_held_to_its_limit(officer):
    def create(funding_source):
        draft = complete_draft(user=officer, title="Budgeted")
        return envelope_create(
            user=officer, decision=draft, description="Support", funding_source=funding_source,
            total_pence=100, lines=[LineSpec("grant", 100)],
        )  # fmt: skip

    with raises(Messages.TEXT_TOO_LONG) as error:
        create("x" * (FUNDING_SOURCE_LIMIT + 1))
    assert error.value.field == "funding_source"
    assert len(create("y" * FUNDING_SOURCE_LIMIT).funding_source) == FUNDING_SOURCE_LIMIT


def test_an_over_commitment_reason_is_held_to_its_limit(officer, amended):  # noqa: F811
    draft = amendment(officer, amended)

    def propose(reason):
        return budget_movement_propose(
            user=officer, decision=draft, source_line=line(amended, "open_procurement"),
            amount_pence=100, route="framework", over_commitment_reason=reason,
        )  # fmt: skip

    with raises(Messages.TEXT_TOO_LONG) as error:
        propose("x" * (REASON_LIMIT + 1))
    assert error.value.field == "over_commitment_reason"
    assert len(propose("y" * REASON_LIMIT).over_commitment_reason) == REASON_LIMIT
