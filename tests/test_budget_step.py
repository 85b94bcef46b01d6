"""The budget step of a draft: money typed as people write it, grids that must balance,
and money moved from an amended decision only when the amendment is approved."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError, Messages
from decisions.models import Decision
from decisions.services import (
    decision_approve,
    decision_clear,
    decision_link_create,
    decision_reject,
    decision_return,
    decision_sign,
    decision_submit,
)
from funding.models import Allocation, BudgetEnvelope, BudgetLine, BudgetMovement
from funding.services import budget_movement_propose
from tests.factories import UserFactory, complete_draft, draft_decision
from tests.helpers import body_bytes, page_text

GOOD = {
    "form": "budget",
    "first_year": "2024",
    "year_count": "4",
    "line-TOTAL_FORMS": "1",
    "line-INITIAL_FORMS": "0",
    "description": "Access and coordination support",
    "funding_source": "Core funding",
    "total": "£1.8m",
    "line-0-route": "direct_award_reg_12_7",
    "line-0-amount": "1,800,000",
    "line-0-y2024": "450000",
    "line-0-y2025": "£600,000",
    "line-0-y2026": "£0.6m",
    "line-0-y2027": "150,000",
}


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def shown_version(client, decision) -> str:
    """The budget step's version as the page shows it (a hidden field)."""
    page = client.get(reverse("drafting:budget", kwargs={"pk": decision.pk}))
    return page.context["budget_form"]["version"].value()


def post(client, decision, **changes):
    data = {**GOOD, "version": shown_version(client, decision), **changes}
    return client.post(reverse("drafting:budget", kwargs={"pk": decision.pk}), data)


def test_a_budget_with_four_years_is_saved_and_previewed(officer_client, officer):
    draft = draft_decision(user=officer)
    response = post(officer_client, draft)
    assert response.status_code == 302
    envelope = BudgetEnvelope.objects.get(decision=draft)
    assert envelope.total_pence == 1_800_000_00
    line = envelope.lines.get()
    assert {a.financial_year_label: a.amount_pence for a in line.allocations.all()} == {
        "2024/25": 450_000_00, "2025/26": 600_000_00, "2026/27": 600_000_00,
        "2027/28": 150_000_00,
    }  # fmt: skip
    text = page_text(officer_client.get(reverse("drafting:preview", kwargs={"pk": draft.pk})))
    assert (
        "Proposed Expenditure 2024/25 2025/26 2026/27 2027/28 Total "
        "Amount £450,000 £600,000 £600,000 £150,000 £1,800,000"
    ) in text
    # Saving again replaces the budget rather than adding to it.
    assert post(officer_client, draft, total="2m", **{"line-0-amount": "2m",
                "line-0-y2027": "350,000"}).status_code == 302  # fmt: skip
    assert BudgetLine.objects.filter(set_by=draft).count() == 1
    assert BudgetEnvelope.objects.get(decision=draft).total_pence == 2_000_000_00


@pytest.mark.parametrize("bad", ["abc", "£1.8x", "1,80,000", "12.345", "-5", "£", "1e6"])
def test_bad_money_is_a_clear_error_and_nothing_typed_is_lost(officer_client, officer, bad):
    draft = draft_decision(user=officer)
    response = post(officer_client, draft, **{"line-0-y2026": bad})
    assert response.status_code == 200
    text = page_text(response)
    assert "Enter an amount" in text
    body = response.content.decode()
    # The error summary names the line and the year, and links to that cell.
    summary = body[body.index("govuk-error-summary") : body.index("<h1")]
    assert "Line 1, 2026 to 2027: enter an amount" in summary
    assert 'href="#id_line-0-y2026"' in summary
    assert 'id="id_line-0-y2026-error"' in body  # beside the cell itself
    assert f'value="{bad}"' in body
    assert 'value="Access and coordination support"' in body
    assert not BudgetEnvelope.objects.exists()


def test_unbalanced_lines_and_allocations(officer_client, officer):
    draft = draft_decision(user=officer)
    text = page_text(post(officer_client, draft, total="£2m"))
    assert "The budget lines add up to £1,800,000 but the envelope total is £2,000,000." in text
    text = page_text(post(officer_client, draft, **{"line-0-y2027": "140,000"}))
    assert "add up to £1,790,000 but the line is £1,800,000" in text
    assert not BudgetEnvelope.objects.exists() and not Allocation.objects.exists()


def test_add_line_keeps_what_was_typed(officer_client, officer):
    draft = draft_decision(user=officer)
    response = post(officer_client, draft, add_line="1")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="line-1-route"' in body and 'value="1,800,000"' in body
    # The formset's own management form counts the new line.
    assert re.search(r'name="line-TOTAL_FORMS" value="2"', body)
    # Asking for a line judges nothing yet: no error summary.
    assert "There is a problem" not in page_text(
        post(officer_client, draft, add_line="1", total="")
    )
    assert not BudgetEnvelope.objects.exists()


@pytest.fixture
def amending(officer, pcd_1406):
    draft = complete_draft(user=officer, title="Amends PCD 1406")
    decision_link_create(user=officer, decision=draft, target_reference="PCD 1406", kind="amends")
    return draft


def move(officer_client, decision, source, **changes):
    data = {
        "form": "movement",
        "version": shown_version(officer_client, decision),
        "source_line": source.pk,
        "amount": "£100,000",
        "route": "grant",
        "move-year-0": "2026/27",
        "move-amount-0": "100000",
        "over_commitment_reason": "",
        **changes,
    }
    return officer_client.post(reverse("drafting:budget", kwargs={"pk": decision.pk}), data)


def test_moving_money_needs_a_reason_when_it_is_already_committed(officer_client, amending):
    source = BudgetLine.objects.get(envelope__decision__reference_number=1406,
                                    route="open_procurement")  # fmt: skip
    text = page_text(move(officer_client, amending, source))
    assert "You cannot move £100,000: the line holds £0 that is not yet committed." in text
    text = page_text(move(officer_client, amending, source, amount="£20m",
                          over_commitment_reason="Agreed"))  # fmt: skip
    assert "You cannot move £20,000,000" in text
    assert not BudgetMovement.objects.filter(decision=amending).exists()
    response = move(officer_client, amending, source, over_commitment_reason="Finance agreed")
    assert response.status_code == 302
    assert BudgetMovement.objects.filter(decision=amending).count() == 1


@pytest.mark.parametrize("ending", ["return", "reject", "approve"])
def test_money_moves_only_when_the_amendment_is_approved(officer, pcd_1406, amending, ending):
    source = pcd_1406.budget_envelope.lines.get(route="open_procurement")
    budget_movement_propose(
        user=officer, decision=amending, source_line=source, amount_pence=100_000_00,
        route="grant", allocations={2026: 100_000_00}, over_commitment_reason="Agreed",
    )  # fmt: skip
    head = UserFactory(role=Role.HEAD_OF_SERVICE)
    ceo = UserFactory(role=Role.CHIEF_EXECUTIVE)
    dmpc = UserFactory(role=Role.DMPC)
    decision = decision_submit(user=officer, decision=amending)
    decision = decision_clear(user=head, decision=decision)
    decision = decision_sign(user=ceo, decision=decision)
    if ending == "return":
        decision_return(user=dmpc, decision=decision, comment="No")
    elif ending == "reject":
        decision_reject(user=dmpc, decision=decision, comment="No")
    else:
        decision_approve(user=dmpc, decision=decision)
    source.refresh_from_db()
    new_line = BudgetLine.objects.get(set_by=amending)
    envelope_sum = sum(line.amount_pence for line in pcd_1406.budget_envelope.lines.active())
    assert envelope_sum == 17_200_000_00  # moved, never copied
    if ending == "approve":
        assert source.amount_pence == 15_300_000_00 and new_line.active
    else:
        assert source.amount_pence == 15_400_000_00 and not new_line.active


def test_a_ceod_budget_sets_its_value_for_the_scheme_of_delegation(officer_client, officer):
    draft = complete_draft(user=officer, type_code="CEOD", title="Small grant")
    assert post(officer_client, draft, total="£600,000", **{"line-0-amount": "600,000",
                "line-0-y2024": "", "line-0-y2025": "", "line-0-y2026": "",
                "line-0-y2027": ""}).status_code == 302  # fmt: skip
    with pytest.raises(DomainError) as error:
        decision_submit(user=officer, decision=Decision.objects.get(pk=draft.pk))
    assert error.value.template == Messages.OVER_DELEGATION_LIMIT


def test_a_refusal_about_a_line_is_shown_beside_that_row(officer_client, officer):
    draft = draft_decision(user=officer)
    # Row 1 left empty; the service is sent one line, the grid's second row.
    moved = {f"line-1-{k[7:]}": v for k, v in GOOD.items() if k.startswith("line-0-")}
    blank = {k: "" for k in GOOD if k.startswith("line-0-")}
    response = post(officer_client, draft, **{"line-TOTAL_FORMS": "2"}, **blank, **moved,
                    **{"line-1-description": "<b>bold</b>"})  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_line-1-description-error"' in body
    assert 'id="id_line-0-description-error"' not in body
    assert 'href="#id_line-1-description"' in body  # in the error summary
    assert "<title>Error: " in body
    assert not BudgetEnvelope.objects.exists()


def outputs(body: str, marker: str) -> list[str]:
    """The server-rendered totals of one kind (data-row-total, data-column-total…)."""
    return re.findall(rf"<output {marker}>([^<]*)</output>", body)


def budget_page(client, decision):
    return client.get(reverse("drafting:budget", kwargs={"pk": decision.pk})).content.decode()


def test_totals_are_right_when_a_saved_budget_is_reopened(officer_client, officer):
    draft = draft_decision(user=officer)
    by_year = {2024: "450000", 2025: "£600,000", 2026: "£0.6m", 2027: "150,000"}
    assert post(officer_client, draft).status_code == 302
    body = budget_page(officer_client, draft)
    # Shown as typed by the server: no JavaScript is needed for the totals.
    assert outputs(body, "data-column-total") == ["£450,000", "£600,000", "£600,000", "£150,000"]
    assert outputs(body, "data-row-total") == ["£1,800,000"]
    assert outputs(body, "data-grand-total") == ["£1,800,000"]
    # Years are headings in words, not boxes to type in.
    for year in by_year:
        assert f">{year} to {year + 1}</th>" in body
    assert 'name="year-' not in body and 'name="first_year" value="2024"' in body


def test_totals_count_the_good_cells_while_another_has_an_error(officer_client, officer):
    draft = draft_decision(user=officer)
    body = post(officer_client, draft, **{"line-0-y2025": "six hundred"}).content.decode()
    assert outputs(body, "data-row-total") == ["£1,200,000"]  # 450,000 + 600,000 + 150,000
    assert outputs(body, "data-column-total") == ["£450,000", "£0", "£600,000", "£150,000"]
    assert 'value="six hundred"' in body


def test_years_are_added_with_buttons_and_nothing_typed_is_lost(officer_client, officer):
    draft = draft_decision(user=officer)
    later = post(officer_client, draft, add_year="later")
    body = later.content.decode()
    assert later.status_code == 200 and not BudgetEnvelope.objects.exists()
    assert ">2028 to 2029</th>" in body and 'name="line-0-y2028"' in body
    assert 'name="year_count" value="5"' in body and 'value="£0.6m"' in body
    assert "There is a problem" not in page_text(body)
    earlier = post(officer_client, draft, add_year="earlier").content.decode()
    assert ">2023 to 2024</th>" in earlier and 'name="first_year" value="2023"' in earlier
    assert re.search(r'name="line-0-y2024"[^>]*value="450000"', earlier)
    # Saved with the added (empty) year: only the years with amounts are stored.
    assert post(officer_client, draft, year_count="5").status_code == 302
    line = BudgetLine.objects.get(set_by=draft)
    assert sorted(line.allocations.values_list("financial_year", flat=True)) == [
        2024, 2025, 2026, 2027
    ]  # fmt: skip


def test_only_an_empty_year_can_be_removed(officer_client, officer):
    draft = draft_decision(user=officer)
    empty_last = post(officer_client, draft, year_count="5", remove_year="last").content.decode()
    assert 'name="year_count" value="4"' in empty_last and ">2028 to 2029</th>" not in empty_last
    typed_first = post(officer_client, draft, remove_year="first")
    body = typed_first.content.decode()
    assert "Clear the amounts in 2024 to 2025 before removing that year" in page_text(body)
    assert 'href="#id_line-0-y2024"' in body
    assert 'name="first_year" value="2024"' in body and 'value="450000"' in body
    # The buttons offered name the year; a year holding amounts offers no removal.
    assert post(officer_client, draft).status_code == 302
    buttons = page_text(budget_page(officer_client, draft))
    assert "Add 2023 to 2024" in buttons and "Add 2028 to 2029" in buttons
    assert "Remove 2024 to 2025" not in buttons and "Remove 2027 to 2028" not in buttons


def test_a_form_without_its_management_data_still_saves_its_lines(officer_client, officer):
    draft = draft_decision(user=officer)
    response = post(officer_client, draft, **{"line-TOTAL_FORMS": "", "line-INITIAL_FORMS": ""})
    assert response.status_code == 302
    assert BudgetLine.objects.get(set_by=draft).amount_pence == 1_800_000_00


def test_a_budget_setting_line_needs_no_procurement(officer_client, officer):
    draft = draft_decision(user=officer)
    assert "Not a procurement" in page_text(budget_page(officer_client, draft))
    text = page_text(post(officer_client, draft, **{"line-0-route": ""}))
    assert "Choose the procurement route for line 1, or ‘Not a procurement’" in text
    assert post(officer_client, draft, **{"line-0-route": "not_procurement"}).status_code == 302
    assert BudgetLine.objects.get(set_by=draft).route == "not_procurement"
    preview = page_text(officer_client.get(reverse("drafting:preview", kwargs={"pk": draft.pk})))
    assert "Not a procurement £1,800,000" in preview


def pdf_text(data: bytes, tmp_path) -> str:
    import shutil
    import subprocess

    assert shutil.which("pdftotext"), "pdftotext not found: install poppler-utils"
    path = tmp_path / "decision.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_a_line_description_is_in_the_draft_pdf(officer_client, officer, tmp_path):
    draft = draft_decision(user=officer)
    post(officer_client, draft, **{"line-0-description": "Access hub run by a host borough"})
    pdf = officer_client.get(reverse("drafting:preview_pdf", kwargs={"pk": draft.pk}))
    assert "Access hub run by a host borough" in pdf_text(pdf.content, tmp_path)


def test_the_description_of_a_line_an_amendment_adds_is_on_its_page_and_pdf(
    client, pcd_1620, tmp_path
):
    line = BudgetLine.objects.get(set_by=pcd_1620)
    expected = f"{line.get_route_display()}: {line.description}"
    assert line.description  # the demo's line has one
    assert expected in page_text(client.get(pcd_1620.get_absolute_url()))
    pdf = body_bytes(client.get(f"{pcd_1620.get_absolute_url()}pdf/"))
    assert expected in pdf_text(pdf, tmp_path)


def test_a_paragraph_added_since_the_budget_was_shown_is_no_conflict(officer_client, officer):
    from decisions.services import paragraph_add

    draft = complete_draft(user=officer)
    version = shown_version(officer_client, draft)
    paragraph_add(user=officer, decision=draft, section_kind=2, text="Added in another tab.")
    response = post(officer_client, draft, version=version)
    assert response.status_code == 302
    assert BudgetEnvelope.objects.filter(decision=draft).exists()


def test_a_budget_saved_in_another_tab_is_a_conflict_and_saving_again_replaces_it(
    officer_client, officer
):
    draft = complete_draft(user=officer)
    version = shown_version(officer_client, draft)
    assert post(officer_client, draft, version=version).status_code == 302
    stale = post(officer_client, draft, version=version, description="My other description")
    assert stale.status_code == 409
    text = page_text(stale)
    assert "The budget changed after you opened this page" in text
    # What was typed is kept.
    assert stale.context["budget_form"]["description"].value() == "My other description"
    again = stale.context["budget_form"]["version"].value()
    assert (
        post(officer_client, draft, version=again, description="My other description").status_code
        == 302
    )
    assert BudgetEnvelope.objects.get(decision=draft).description == "My other description"
