"""A link added in a draft is the draft's content: the decision it points at shows it
only to people who may open the draft, and never on its public page."""

import pytest
from django.urls import reverse

from decisions import policy
from decisions.services import decision_link_create
from tests.factories import approved_decision, draft_decision, reviewers_create
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

DESCRIPTION = "Replaces the whole grant with a secret new scheme"


@pytest.fixture
def target(officer):
    return approved_decision(user=officer, title="Target of a draft's link")


@pytest.fixture
def linking_draft(other_officer, target):
    draft = draft_decision(user=other_officer, title="A draft that amends it")
    decision_link_create(
        user=other_officer,
        decision=draft,
        target_reference=target.reference,
        kind="amends",
        description=DESCRIPTION,
    )
    return draft


def test_a_drafts_link_is_not_on_the_public_page_of_its_target(client, target, linking_draft):
    response = client.get(target.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert DESCRIPTION not in body
    assert "-None/" not in body


def test_a_drafts_link_shows_internally_only_to_who_can_open_the_draft(
    client, officer, records_manager, target, linking_draft
):
    review = reverse("drafting:review", kwargs={"pk": target.pk})
    draft_page = reverse("drafting:overview", kwargs={"pk": linking_draft.pk})
    # The target's officer cannot open the draft...
    client.force_login(officer)
    assert client.get(draft_page).status_code == 404
    body = client.get(review).content.decode()
    # ...so its link and description are not on the target's page either.
    assert DESCRIPTION not in body
    assert "-None/" not in body
    # A records manager (who may open every draft) sees it, without a link to a
    # public page the draft does not have.
    client.force_login(records_manager)
    assert policy.can_see(records_manager, linking_draft)
    response = client.get(review)
    assert response.status_code == 200
    assert DESCRIPTION in page_text(response)
    assert "-None/" not in response.content.decode()


def test_links_between_published_decisions_still_show_with_their_address(client, officer):
    first = approved_decision(user=officer, title="First")
    reviewers = reviewers_create()
    second = draft_decision(user=officer, title="Second")
    decision_link_create(
        user=officer,
        decision=second,
        target_reference=first.reference,
        kind="amends",
        description="Adds a year",
    )
    second = approved_decision(user=officer, decision=second, reviewers=reviewers)
    body = client.get(first.get_absolute_url()).content.decode()
    assert "Adds a year" in body
    assert f'href="{second.get_absolute_url()}"' in body
