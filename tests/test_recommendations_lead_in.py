"""How the recommendations begin: "… is recommended to:" (the decision type's own
preamble, the default) or "The <approver> approves:" — chosen on the recommendations
step, printed on the page, preview, review page and PDF, and part of what is signed.

The wording comes from the decision-type rows (DecisionType.approver_title and
recommendation_preamble) and the forms in real use, never from the code under test.
"""

import pytest
from django.urls import reverse

from core.errors import DomainError, Messages
from decisions.digest import decision_content_digest
from decisions.models import Decision
from decisions.selectors.versions import lead_in_version
from decisions.services import recommendations_lead_in_set
from tests.factories import approved_decision, complete_draft, submitted_decision
from tests.helpers import page_text
from tests.test_decision_types import published_pdf_text

pytestmark = pytest.mark.django_db

RECOMMENDED = "The Deputy Mayor for Policing and Crime is recommended to:"
APPROVES = "The Deputy Mayor for Policing and Crime approves:"
CEOD_APPROVES = "The Chief Executive Officer approves:"


def url(name, decision):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk})


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_a_new_decision_keeps_the_types_own_preamble(officer_client, officer):
    draft = complete_draft(user=officer)
    assert draft.recommendations_lead_in == "recommended"
    assert RECOMMENDED in page_text(officer_client.get(url("preview", draft)))


def test_choosing_approves_changes_the_preview_and_the_history(officer_client, officer):
    draft = complete_draft(user=officer)
    response = officer_client.post(
        url("recommendations_lead_in", draft),
        {"lead_in": "approves", "version": lead_in_version(draft)},
    )
    assert response["Location"] == url("recommendations", draft)
    text = page_text(officer_client.get(url("preview", draft)))
    assert APPROVES in text and RECOMMENDED not in text
    saved = Decision.objects.get(pk=draft.pk)
    newest, before = saved.history.all()[:2]
    assert (before.recommendations_lead_in, newest.recommendations_lead_in) == (
        "recommended",
        "approves",
    )
    assert newest.history_user == officer
    assert newest.history_change_reason == f"Recommendations begin: {APPROVES}"


def test_the_step_offers_both_in_the_types_words(officer_client, officer):
    draft = complete_draft(user=officer, type_code="CEOD")
    text = page_text(officer_client.get(url("recommendations", draft)))
    assert "The Chief Executive Officer is recommended to:" in text
    assert CEOD_APPROVES in text


def test_a_made_up_choice_is_refused_beside_the_question(officer_client, officer):
    draft = complete_draft(user=officer)
    response = officer_client.post(
        url("recommendations_lead_in", draft),
        {"lead_in": "decrees", "version": lead_in_version(draft)},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert text.count("Choose how the recommendations begin") == 2  # summary and field
    assert Decision.objects.get(pk=draft.pk).recommendations_lead_in == "recommended"


def test_the_service_refuses_other_wordings_and_non_drafts(officer):
    draft = complete_draft(user=officer)
    with pytest.raises(DomainError) as error:
        recommendations_lead_in_set(user=officer, decision=draft, lead_in="decrees")
    assert (error.value.template, error.value.field) == (Messages.LEAD_IN_INVALID, "lead_in")
    submitted = submitted_decision(user=officer)
    with pytest.raises(DomainError) as error:
        recommendations_lead_in_set(user=officer, decision=submitted, lead_in="approves")
    assert error.value.template == Messages.NOT_EDITABLE


def test_the_lead_in_is_part_of_what_is_signed(officer):
    draft = complete_draft(user=officer)
    recommended = decision_content_digest(draft)
    approves = decision_content_digest(
        recommendations_lead_in_set(user=officer, decision=draft, lead_in="approves")
    )
    assert approves != recommended
    back = recommendations_lead_in_set(user=officer, decision=draft, lead_in="recommended")
    assert decision_content_digest(back) == recommended


def test_the_published_page_and_pdf_say_approves(client, officer, tmp_path):
    draft = complete_draft(user=officer, title="Approved outright")
    recommendations_lead_in_set(user=officer, decision=draft, lead_in="approves")
    decision = approved_decision(user=officer, decision=draft)
    page = page_text(client.get(decision.get_absolute_url()))
    assert APPROVES in page and RECOMMENDED not in page
    pdf = published_pdf_text(client, decision, tmp_path)
    assert APPROVES in pdf and RECOMMENDED not in pdf


def _lead_in_version_shown(client, draft) -> str:
    """The hidden version in the lead-in form as the recommendations step shows it."""
    return client.get(url("recommendations", draft)).context["lead_in_form"]["version"].value()


def test_an_add_elsewhere_since_the_page_was_shown_is_no_conflict(officer_client, officer):
    from decisions.services import paragraph_add

    draft = complete_draft(user=officer)
    version = _lead_in_version_shown(officer_client, draft)
    paragraph_add(user=officer, decision=draft, section_kind=2, text="Added in another tab.")
    response = officer_client.post(
        url("recommendations_lead_in", draft), {"lead_in": "approves", "version": version}
    )
    assert response.status_code == 302
    assert Decision.objects.get(pk=draft.pk).recommendations_lead_in == "approves"


def test_a_second_tab_changing_the_lead_in_again_is_a_conflict(officer_client, officer):
    draft = complete_draft(user=officer)
    version = _lead_in_version_shown(officer_client, draft)
    first = officer_client.post(
        url("recommendations_lead_in", draft), {"lead_in": "approves", "version": version}
    )
    assert first.status_code == 302
    second = officer_client.post(
        url("recommendations_lead_in", draft), {"lead_in": "recommended", "version": version}
    )
    assert second.status_code != 302
    assert "changed after you opened this page" in page_text(second)
    assert Decision.objects.get(pk=draft.pk).recommendations_lead_in == "approves"
