"""Contracts and grants against approved lines: who may record them, and the headroom."""

from django.urls import reverse

from accounts.roles import Role
from funding.models import BudgetLine, Commitment
from tests.factories import UserFactory, draft_decision
from tests.helpers import page_text


def url(decision):
    return reverse("drafting:commitments", kwargs={"pk": decision.pk})


def test_officer_records_a_contract_on_their_own_decision(client, demo, pcd_1620):
    client.force_login(demo[Role.OFFICER])
    line = BudgetLine.objects.get(set_by=pcd_1620)
    response = client.post(
        url(pcd_1620),
        {"line": line.pk, "kind": "contract", "counterparty": "Host borough",
         "max_value": "£1.8m", "awarded_on": "1/4/2024"},
    )  # fmt: skip
    assert response.status_code == 302
    commitment = Commitment.objects.get(counterparty="Host borough")
    assert commitment.max_value_pence == 1_800_000_00 and commitment.authorised_by == pcd_1620
    assert commitment.route == "direct_award_reg_12_7"  # the line's own, unless chosen
    assert commitment.history.first().history_user == demo[Role.OFFICER]
    text = page_text(client.get(url(pcd_1620)))
    assert "£1,800,000 £1,800,000 £0" in text  # amount, committed, headroom


def test_over_commitment_is_a_warning_with_the_figures(client, demo, pcd_1406):
    client.force_login(demo[Role.RECORDS_MANAGER])
    text = page_text(client.get(url(pcd_1406)))
    assert (
        "Open competitive procurement: over-committed by £600,000 "
        "(£15,400,000 available, £16,000,000 committed)."
    ) in text


def test_another_officer_cannot_record_against_someone_elses_decision(client, demo, pcd_1620):
    client.force_login(UserFactory(role=Role.OFFICER))
    line = BudgetLine.objects.get(set_by=pcd_1620)
    response = client.post(
        url(pcd_1620),
        {"line": line.pk, "kind": "grant", "counterparty": "X", "max_value": "1"},
    )
    assert response.status_code == 404  # not theirs to see either
    assert not Commitment.objects.filter(counterparty="X").exists()


def test_bad_input_keeps_what_was_typed(client, demo, pcd_1620):
    client.force_login(demo[Role.RECORDS_MANAGER])
    line = BudgetLine.objects.get(set_by=pcd_1620)
    response = client.post(
        url(pcd_1620),
        {"line": line.pk, "kind": "contract", "counterparty": "Borough",
         "max_value": "lots", "awarded_on": "31/2/2024"},
    )  # fmt: skip
    text = page_text(response)
    assert "Enter an amount in pounds" in text and "Enter the date awarded" in text
    assert 'value="Borough"' in response.content.decode()


def test_drafts_have_nothing_to_commit_against(client, officer):
    draft = draft_decision(user=officer)
    client.force_login(officer)
    assert "no approved budget lines" in page_text(client.get(url(draft)))


def test_a_commitment_may_record_its_own_route(client, demo, pcd_1406):
    client.force_login(demo[Role.RECORDS_MANAGER])
    line = BudgetLine.objects.get(set_by=pcd_1406, route="open_procurement")
    client.post(
        url(pcd_1406),
        {"line": line.pk, "kind": "grant", "route": "grant", "counterparty": "Charity",
         "max_value": "£10,000"},
    )  # fmt: skip
    assert Commitment.objects.get(counterparty="Charity").route == "grant"
