"""The back office adds content only to drafts, as the drafting services do: once a
decision is on its way to approval nothing is added to it there either (an approval
relies on it: it compares the decision's row, which every change of a draft's
content writes, with the row its PDF was rendered from)."""

import pytest
from django.urls import reverse

from decisions.models import Decision, Paragraph, Recommendation
from decisions.workflow import State
from funding.models import BudgetEnvelope
from tests.factories import (
    UserFactory,
    awaiting_approval_decision,
    complete_draft,
    draft_decision,
    returned_decision,
)
from tests.helpers import page_text


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _add(client, model, data):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    return client.post(url, data)


def _recommendation(decision: Decision) -> dict:
    return {
        "decision": decision.pk,
        "position": 9,
        "text": "Added in the back office.",
        "version": 1,
    }


def _envelope(decision: Decision) -> dict:
    return {
        "decision": decision.pk,
        "description": "Added in the back office",
        "funding_source": "Reserves",
        "total_pence": 100_000,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "data"), [(Recommendation, _recommendation), (BudgetEnvelope, _envelope)]
)
def test_nothing_is_added_to_a_decision_awaiting_approval(client, superuser, officer, model, data):
    decision = awaiting_approval_decision(user=officer)
    row = Decision.objects.values().get(pk=decision.pk)
    before = model.objects.filter(decision=decision).count()
    client.force_login(superuser)
    response = _add(client, model, data(decision))
    # Said beside the decision chosen, what was typed kept; nothing saved, the row
    # as it was.
    assert response.status_code == 200
    said = f"{decision.reference} is awaiting approval: its content can no longer change."
    assert said in page_text(response)
    form = response.context["adminform"].form
    assert form.errors == {"decision": [said]}
    assert form["decision"].value() == str(decision.pk)
    assert model.objects.filter(decision=decision).count() == before
    assert Decision.objects.values().get(pk=decision.pk) == row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "data"), [(Recommendation, _recommendation), (BudgetEnvelope, _envelope)]
)
def test_added_to_a_draft_it_is_a_new_version_of_the_draft(client, superuser, officer, model, data):
    decision = draft_decision(user=officer)
    version = decision.version
    before = model.objects.filter(decision=decision).count()
    client.force_login(superuser)
    response = _add(client, model, data(decision))
    assert response.status_code == 302, page_text(response)
    assert model.objects.filter(decision=decision).count() == before + 1
    decision.refresh_from_db()
    assert decision.version == version + 1
    history = decision.history.order_by("-history_id").first()
    name = model._meta.verbose_name.capitalize()
    assert history.history_change_reason == f"{name} added in the back office"
    assert history.history_user == superuser


def _posted(form) -> dict:
    """What the browser sends back for an admin form as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "on" if value is True else str(value)
    return data


@pytest.mark.django_db
def test_a_version_from_the_history_put_back_never_brings_back_its_state(
    client, superuser, officer
):
    decision = returned_decision(user=officer)  # submitted once, a draft again
    submitted = decision.history.filter(state="submitted").order_by("history_id").first()
    version = Decision.objects.get(pk=decision.pk).version
    url = reverse(
        "admin:decisions_decision_simple_history", args=[decision.pk, submitted.history_id]
    )
    client.force_login(superuser)
    form = client.get(url).context["adminform"].form
    data = _posted(form)
    data["title"] = "Put back from the history"
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)
    decision.refresh_from_db()
    # Its own fields as posted; its state, reference and times as they are now.
    assert decision.title == "Put back from the history"
    assert decision.state == State.DRAFT and decision.version == version + 1
    assert decision.reference_number == submitted.reference_number


@pytest.mark.django_db
def test_a_paragraph_changed_in_the_back_office_is_a_new_version_of_it(client, superuser, officer):
    decision = complete_draft(user=officer)
    paragraph = Paragraph.objects.filter(section__decision=decision).order_by("pk").first()
    client.force_login(superuser)
    url = reverse("admin:decisions_paragraph_change", args=[paragraph.pk])
    data = _posted(client.get(url).context["adminform"].form)
    data["text"] = "Corrected in the back office."
    assert client.post(url, data).status_code == 302
    changed = Paragraph.objects.get(pk=paragraph.pk)
    # An officer's form built from the version before is then refused, not saved over.
    assert changed.text == "Corrected in the back office."
    assert changed.version == paragraph.version + 1
