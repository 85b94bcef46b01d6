"""Funding reports: envelopes as amended, headroom warnings, financial-year totals."""

import csv
import io

from accounts.roles import Role
from funding.reports import financial_year_report
from tests.helpers import page_text


def rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_pcd_1406_envelope_report_shows_the_amended_lines_and_the_warning(client, demo):
    text = page_text(client.get("/reports/envelopes/pcd-1406/"))
    assert "Total £17,200,000" in text
    assert "Open competitive procurement PCD 1406 £15,400,000 £16,000,000 £600,000 over" in text
    assert "£600,000 more has been committed than remains on this line" in text
    assert "-£600,000" not in text
    assert "Direct award under Regulation 12(7) PCR 2015 PCD 1620 £1,800,000" in text
    for allocation in ("2024/25: £450,000", "2025/26: £600,000", "2026/27: £600,000",
                       "2027/28: £150,000"):  # fmt: skip
        assert allocation in text
    shaped = text[text.index("Decisions that shaped this budget") :]
    assert shaped.index("PCD 1406") < shaped.index("PCD 1620")  # in order of approval
    assert rows(client.get("/reports/envelopes/pcd-1406.csv"))[1] == [
        "Open competitive procurement",
        "PCD 1406",
        "15400000.00",
        "16000000.00",
        "-600000.00",
    ]


def test_effective_budget_on_the_pcd_1406_page(client, demo):
    text = page_text(client.get("/decisions/pcd-1406/"))
    assert "Effective budget after amendments" in text
    assert "PCD 1620 £1,800,000" in text and "£15,400,000" in text


def test_financial_year_report_and_csv(client, demo):
    text = page_text(client.get("/reports/financial-years/"))
    # Columns PCD and CEOD (the demo CEOD 1 has nothing in 2024/25), the total and how
    # many decisions have money in the year.
    assert "2024/25 £450,000 £0 £450,000 1" in text
    assert "2026/27 £600,000 £38,000 £638,000 2" in text
    assert "All years £1,800,000 £38,000 £1,838,000 2" in text
    largest = text[text.index("Largest decisions by financial year") :]
    assert "2026/27 PCD 1620 : " in largest and "CEOD 1 : " in largest
    assert "Allocations by financial year" in text  # the chart's text alternative
    body = client.get("/reports/financial-years/").content.decode()
    assert "<svg" in body and 'role="img"' in body
    assert ["2024/25", "PCD 1620", "450000.00"] in rows(client.get("/reports/financial-years.csv"))


def test_year_totals_equal_the_sum_of_approved_allocations(pcd_1406, pcd_1620):
    from decisions.models import Decision

    # PCD 1620's new line has years (DESIGN.md section 4); PCD 1406's lines have none,
    # and the move from its open-procurement line took no years.
    expected = {2024: 450_000_00, 2025: 600_000_00, 2026: 600_000_00, 2027: 150_000_00}
    report = financial_year_report(Decision.objects.filter(pk__in=[pcd_1406.pk, pcd_1620.pk]))
    assert {row.year: row.total_pence for row in report.rows} == expected
    assert report.total_pence == 1_800_000_00
    assert report.decisions == 1
    assert {top.reference for row in report.rows for top in row.largest} == {"PCD 1620"}


def test_public_reports_leave_out_unpublished_decisions(client, demo, officer):
    from decisions.services import decision_link_create, decision_public_access_set
    from funding.services import budget_movement_propose
    from tests.factories import complete_draft

    draft = complete_draft(user=officer, title="Unpublished amendment")
    decision_public_access_set(user=officer, decision=draft, deferred=False, has_part2=False)
    decision_link_create(user=officer, decision=draft, target_reference="PCD 1406", kind="amends")
    source = draft.links_out.get().target.budget_envelope.lines.get(route="open_procurement")
    budget_movement_propose(
        user=officer, decision=draft, source_line=source, amount_pence=100_000_00,
        route="grant", allocations={2030: 100_000_00}, over_commitment_reason="Test",
    )  # fmt: skip
    text = page_text(client.get("/reports/financial-years/"))
    assert "2030/31" not in text
    text = page_text(client.get("/reports/envelopes/pcd-1406/"))
    assert "Grant" not in text and "£15,400,000" in text


def test_internal_reports_need_a_staff_role(client, demo):
    assert client.get("/work/reports/financial-years/").status_code == 302
    client.force_login(demo[Role.OFFICER])
    assert client.get("/work/reports/financial-years/").status_code == 200
    assert client.get("/work/reports/envelopes/pcd-1406/").status_code == 200
