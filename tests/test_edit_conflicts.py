"""Edit conflicts per thing edited, and adds that a resubmitted form cannot repeat."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core.errors import DomainError, Messages
from decisions.models import Appendix, DecisionLink, Paragraph, Recommendation
from decisions.selectors.versions import public_access_version, summary_version
from decisions.services import (
    decision_link_create,
    decision_public_access_set,
    paragraph_add,
    paragraph_move,
    paragraph_remove,
    paragraph_update,
    recommendation_add,
    recommendation_update,
)
from tests.factories import approved_decision, draft_decision
from tests.helpers import page_text


def url(name, decision, **kwargs):
    return reverse(f"drafting:{name}", kwargs={"pk": decision.pk, **kwargs})


def shown(client, page_url) -> dict:
    """The hidden fields of the form on a page as it was shown (a tab opened now)."""
    form = client.get(page_url).context["form"]
    return {name: form[name].value() for name in ("version", "token") if name in form.fields}


@pytest.fixture
def draft(officer):
    return draft_decision(user=officer, title="Youth violence services")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# --- Services: per-item versions ------------------------------------------------------


def test_each_paragraph_has_its_own_version(officer, draft):
    first = paragraph_add(user=officer, decision=draft, section_kind=1, text="One")
    second = paragraph_add(user=officer, decision=draft, section_kind=2, text="Two")
    assert (first.version, second.version) == (1, 1)
    paragraph_update(user=officer, paragraph=first, text="One, edited", expected_version=1)
    paragraph_add(user=officer, decision=draft, section_kind=1, text="Three")
    # Editing one paragraph, or adding another, leaves the others' versions alone.
    second.refresh_from_db()
    assert second.version == 1
    paragraph_update(user=officer, paragraph=second, text="Two, edited", expected_version=1)
    first.refresh_from_db()
    assert (first.version, first.text) == (2, "One, edited")
    # A move is not an edit of the text: no new version.
    paragraph_move(user=officer, paragraph=first, direction="down")
    first.refresh_from_db()
    assert (first.position, first.version) == (2, 2)


def test_a_stale_edit_of_the_same_paragraph_is_refused_naming_who_saved(
    officer, other_officer, draft
):
    draft.shared_with.add(other_officer)
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Original")
    paragraph_update(user=other_officer, paragraph=paragraph, text="Theirs", expected_version=1)
    with pytest.raises(DomainError) as error:
        paragraph_update(user=officer, paragraph=paragraph, text="Mine", expected_version=1)
    assert error.value.template == Messages.ITEM_CONFLICT
    assert error.value.params["version"] == 2
    assert error.value.params["saved_by"] == other_officer
    paragraph.refresh_from_db()
    assert paragraph.text == "Theirs"


def test_a_stale_recommendation_edit_is_refused(officer, draft):
    recommendation = recommendation_add(user=officer, decision=draft, text="Agree")
    recommendation_update(
        user=officer, recommendation=recommendation, text="Agree, v2", expected_version=1
    )
    with pytest.raises(DomainError) as error:
        recommendation_update(
            user=officer, recommendation=recommendation, text="Agree, v3", expected_version=1
        )
    assert error.value.template == Messages.ITEM_CONFLICT


def test_removing_a_paragraph_changed_since_it_was_shown_is_refused(officer, draft):
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Original")
    paragraph_update(user=officer, paragraph=paragraph, text="Changed", expected_version=1)
    with pytest.raises(DomainError) as error:
        paragraph_remove(user=officer, paragraph=paragraph, expected_version=1)
    assert error.value.template == Messages.REMOVE_CONFLICT
    assert Paragraph.objects.filter(pk=paragraph.pk).exists()
    paragraph_remove(user=officer, paragraph=paragraph, expected_version=2)
    assert not Paragraph.objects.filter(pk=paragraph.pk).exists()


def test_a_step_is_versioned_by_its_own_fields_only(officer, draft):
    summary, access = summary_version(draft), public_access_version(draft)
    paragraph_add(user=officer, decision=draft, section_kind=1, text="An add")
    decision_public_access_set(
        user=officer, decision=draft, deferred=False, has_part2=False, expected_version=access
    )
    draft.refresh_from_db()
    # Adding a paragraph and saving another step leave the summary's version alone.
    assert summary_version(draft) == summary
    assert public_access_version(draft) != access
    with pytest.raises(DomainError) as error:
        decision_public_access_set(
            user=officer, decision=draft, deferred=False, has_part2=True, expected_version=access
        )
    assert error.value.template == Messages.ITEM_CONFLICT


# --- Services: one-time tokens ------------------------------------------------------------


def test_the_same_add_sent_twice_adds_once(officer, draft):
    token = uuid.uuid4()
    paragraph = paragraph_add(
        user=officer, decision=draft, section_kind=3, text="Cost", token=token
    )
    with pytest.raises(DomainError) as error:
        paragraph_add(user=officer, decision=draft, section_kind=3, text="Cost", token=token)
    assert error.value.template == Messages.ALREADY_ADDED
    assert error.value.message == (
        "That paragraph was already added: it is paragraph 3.1. Nothing new was added."
    )
    assert list(Paragraph.objects.filter(section__decision=draft)) == [paragraph]
    token = uuid.uuid4()
    recommendation_add(user=officer, decision=draft, text="Approve", token=token)
    with pytest.raises(DomainError) as error:
        recommendation_add(user=officer, decision=draft, text="Approve", token=token)
    assert error.value.template == Messages.ALREADY_ADDED
    assert Recommendation.objects.filter(decision=draft).count() == 1


def test_a_used_token_with_new_text_or_a_removed_item_is_refused_beside_the_field(officer, draft):
    token = uuid.uuid4()
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=1, text="A", token=token)
    with pytest.raises(DomainError) as error:
        paragraph_add(user=officer, decision=draft, section_kind=1, text="B", token=token)
    assert (error.value.template, error.value.field) == (Messages.FORM_ALREADY_USED, "text")
    paragraph_remove(user=officer, paragraph=paragraph)
    # Removed since: the history still knows the token, so it adds nothing unasked.
    with pytest.raises(DomainError) as error:
        paragraph_add(user=officer, decision=draft, section_kind=1, text="A", token=token)
    assert error.value.template == Messages.FORM_ALREADY_USED
    assert not Paragraph.objects.filter(section__decision=draft).exists()


def test_links_are_added_once_per_token(officer, draft):
    target = approved_decision(user=officer, title="The decision amended")
    token = uuid.uuid4()
    decision_link_create(
        user=officer, decision=draft, target_reference=target.reference, kind="amends", token=token
    )
    with pytest.raises(DomainError) as error:
        decision_link_create(
            user=officer,
            decision=draft,
            target_reference=target.reference,
            kind="amends",
            token=token,
        )
    assert error.value.template == Messages.ALREADY_ADDED
    assert DecisionLink.objects.filter(source=draft).count() == 1


@pytest.mark.parametrize("model", [Paragraph, Recommendation, DecisionLink, Appendix])
def test_every_add_keeps_its_token_under_a_named_unique_constraint(model):
    constraint = f"{model._meta.model_name}_form_token_unique"
    assert constraint in {c.name for c in model._meta.constraints}


def test_the_database_refuses_a_second_row_with_the_same_token(officer, draft):
    """The database holds the rule too, whatever a service forgets to check."""
    token = uuid.uuid4()
    paragraph_add(user=officer, decision=draft, section_kind=1, text="A", token=token)
    other = paragraph_add(user=officer, decision=draft, section_kind=1, text="B")
    with pytest.raises(IntegrityError, match="paragraph_form_token_unique"), transaction.atomic():
        Paragraph.objects.filter(pk=other.pk).update(form_token=token)
    recommendation_add(user=officer, decision=draft, text="A", token=token)
    second = recommendation_add(user=officer, decision=draft, text="B")
    with (
        pytest.raises(IntegrityError, match="recommendation_form_token_unique"),
        transaction.atomic(),
    ):
        Recommendation.objects.filter(pk=second.pk).update(form_token=token)


# --- Through the pages -----------------------------------------------------------------


def test_adds_in_two_tabs_to_two_sections_both_succeed(officer_client, draft):
    tab_one = shown(officer_client, url("section", draft, kind=1))
    tab_two = shown(officer_client, url("section", draft, kind=2))
    first = officer_client.post(url("section", draft, kind=1), {**tab_one, "text": "Intro"})
    second = officer_client.post(url("section", draft, kind=2), {**tab_two, "text": "Issue"})
    assert (first.status_code, second.status_code) == (302, 302)
    texts = sorted(Paragraph.objects.filter(section__decision=draft).values_list("text", flat=True))
    assert texts == ["Intro", "Issue"]


def test_a_step_opened_before_an_add_still_saves(officer_client, draft):
    summary = shown(officer_client, url("summary", draft))
    tab = shown(officer_client, url("recommendations", draft))
    officer_client.post(url("recommendations", draft), {**tab, "text": "Approve it"})
    response = officer_client.post(
        url("summary", draft), {**summary, "title": "New title", "executive_summary": "Why"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "New title"


def test_back_and_resubmit_of_an_add_creates_nothing_and_says_so(officer_client, draft):
    tab = shown(officer_client, url("section", draft, kind=2))
    officer_client.post(url("section", draft, kind=2), {**tab, "text": "Issue one"})
    response = officer_client.post(
        url("section", draft, kind=2), {**tab, "text": "Issue one"}, follow=True
    )
    assert "That paragraph was already added: it is paragraph 2.1." in page_text(response)
    assert Paragraph.objects.filter(section__decision=draft).count() == 1
    # The same form with new typing: kept beside the field, with a fresh token to add it.
    response = officer_client.post(url("section", draft, kind=2), {**tab, "text": "Issue two"})
    assert response.status_code == 200
    assert "This form was already used to add a paragraph." in page_text(response)
    assert "Issue two" in response.content.decode()
    fresh = response.context["form"]["token"].value()
    assert fresh != tab["token"]
    response = officer_client.post(url("section", draft, kind=2), {"token": fresh, "text": "Two"})
    assert response.status_code == 302
    assert Paragraph.objects.filter(section__decision=draft).count() == 2


def test_back_to_a_page_fetched_again_with_the_text_restored_adds_nothing(officer_client, draft):
    """Back after adding fetches the form again (a new token) and the browser puts the
    typed text back: the same text in the same list is the same add."""
    page = url("section", draft, kind=4)
    officer_client.post(page, {**shown(officer_client, page), "text": "Legal advice taken."})
    response = officer_client.post(
        page, {**shown(officer_client, page), "text": "Legal advice taken."}, follow=True
    )
    assert "That paragraph was already added: it is paragraph 4.1." in page_text(response)
    assert Paragraph.objects.filter(section__decision=draft).count() == 1
    # The same text in another section is another paragraph.
    other = url("section", draft, kind=5)
    officer_client.post(other, {**shown(officer_client, other), "text": "Legal advice taken."})
    assert Paragraph.objects.filter(section__decision=draft).count() == 2


def test_recommendation_resubmitted_is_added_once(officer_client, draft):
    tab = shown(officer_client, url("recommendations", draft))
    for _ in range(2):
        officer_client.post(url("recommendations", draft), {**tab, "text": "Approve it"})
    assert Recommendation.objects.filter(decision=draft).count() == 1


def test_same_paragraph_edited_in_two_tabs_shows_both_texts(officer_client, officer, draft):
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Original")
    edit = url("paragraph", draft, item=paragraph.pk)
    tab_one, tab_two = shown(officer_client, edit), shown(officer_client, edit)
    officer_client.post(edit, {**tab_one, "text": "Saved in tab one"})
    response = officer_client.post(edit, {**tab_two, "text": "Typed in tab two"})
    assert response.status_code == 409
    text = page_text(response)
    assert "Paragraph 2.1 changed after you opened this page." in text
    assert "You saved a different version in another tab or window on" in text
    assert "Saved in tab one" in text
    assert "Typed in tab two" in response.content.decode()
    # Saving from the conflict page replaces the saved text (it carries the new version).
    again = {"version": response.context["form"]["version"].value(), "text": "Typed in tab two"}
    assert officer_client.post(edit, again).status_code == 302
    paragraph.refresh_from_db()
    assert paragraph.text == "Typed in tab two"


def test_a_colleague_is_named_in_a_conflict(officer_client, officer, other_officer, draft):
    draft.shared_with.add(other_officer)
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Original")
    edit = url("paragraph", draft, item=paragraph.pk)
    mine = shown(officer_client, edit)
    colleague = Client()
    colleague.force_login(other_officer)
    colleague.post(edit, {**shown(colleague, edit), "text": "Their text"})
    text = page_text(officer_client.post(edit, {**mine, "text": "My text"}))
    assert f"{other_officer.display_name} saved a different version on" in text
    assert "another tab" not in text


def test_removing_an_item_already_removed_says_so(officer_client, officer, draft):
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="Gone soon")
    action = {"version": paragraph.version, "action": "remove"}
    edit = url("paragraph", draft, item=paragraph.pk)
    officer_client.post(edit, action)
    response = officer_client.post(edit, action, follow=True)
    assert response.status_code == 200
    assert "That paragraph has already been removed." in page_text(response)
