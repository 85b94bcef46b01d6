"""Contracts and grants against approved lines: who may record them, and the headroom."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError, Messages
from funding.models import BudgetLine, Commitment
from funding.services import LineSpec, commitment_create, envelope_create
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
        "Open competitive procurement: £600,000 more has been committed than remains on "
        "this line (£15,400,000 on the line, £16,000,000 committed)."
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


def _record(user, line):
    return commitment_create(
        user=user, line=line, kind="grant", counterparty="Youth charity", max_value_pence=5_000_00
    )


@pytest.mark.parametrize("who", ["another officer", "head of service", "anonymous", "no role"])
def test_only_the_drafters_and_records_managers_may_record_a_commitment(demo, pcd_1620, who):
    user = {
        "another officer": lambda: UserFactory(role=Role.OFFICER),
        "head of service": lambda: demo[Role.HEAD_OF_SERVICE],
        "anonymous": AnonymousUser,
        "no role": UserFactory,
    }[who]()
    line = BudgetLine.objects.get(set_by=pcd_1620)
    with pytest.raises(DomainError) as error:
        _record(user, line)
    assert error.value.template == Messages.COMMITMENT_NOT_ALLOWED
    assert not Commitment.objects.filter(counterparty="Youth charity").exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.RECORDS_MANAGER])
def test_the_drafter_and_a_records_manager_may_record_a_commitment(demo, pcd_1620, role):
    assert pcd_1620.drafted_by == demo[Role.OFFICER]
    commitment = _record(demo[role], BudgetLine.objects.get(set_by=pcd_1620))
    assert Commitment.objects.get(counterparty="Youth charity") == commitment
    assert commitment.history.get().history_user == demo[role]


def test_a_commitment_needs_an_approved_decision(officer):
    draft = draft_decision(user=officer)
    envelope_create(user=officer, decision=draft, description="Draft money", funding_source="Core",
                    total_pence=100_00, lines=[LineSpec("grant", 100_00)])  # fmt: skip
    with pytest.raises(DomainError) as error:
        _record(officer, BudgetLine.objects.get(set_by=draft))
    assert error.value.template == Messages.COMMITMENT_LINE_NOT_APPROVED


def test_commitment_text_refuses_html(demo, pcd_1620):
    with pytest.raises(DomainError) as error:
        commitment_create(
            user=demo[Role.RECORDS_MANAGER], line=BudgetLine.objects.get(set_by=pcd_1620),
            kind="grant", counterparty="<b>Charity</b>", max_value_pence=1_00,
        )  # fmt: skip
    assert error.value.template == Messages.HTML_NOT_ALLOWED
    assert error.value.field == "counterparty"


def _admin_url(view, *args):
    return reverse(f"admin:funding_commitment_{view}", args=args)


@pytest.mark.parametrize("who", ["records manager", "superuser"])
def test_the_admin_cannot_create_or_change_a_commitment(client, demo, who):
    user = (
        demo[Role.RECORDS_MANAGER]
        if who == "records manager"
        else UserFactory(is_staff=True, is_superuser=True)
    )
    client.force_login(user)
    alliance = Commitment.objects.get(max_value_pence=16_000_000_00)
    data = {"line": alliance.line_id, "kind": "grant", "route": "grant",
            "counterparty": "Changed in the admin", "max_value_pence": "1"}  # fmt: skip
    before = Commitment.objects.count()
    assert client.get(_admin_url("changelist")).status_code == 200  # still to be seen
    assert client.get(_admin_url("add")).status_code == 403
    assert client.post(_admin_url("add"), data).status_code == 403
    assert client.post(_admin_url("change", alliance.pk), data).status_code == 403
    version = alliance.history.first().history_id
    assert client.post(_admin_url("simple_history", alliance.pk, version), data).status_code == 403
    assert Commitment.objects.count() == before
    alliance.refresh_from_db()
    assert (
        alliance.max_value_pence == 16_000_000_00 and alliance.counterparty != data["counterparty"]
    )
