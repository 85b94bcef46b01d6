"""The spending report per budget (issue 14, Spending): one budget chosen by its
reference and shown by financial year, the budgets with money not split by year (PCD
1406's £17.2m), the largest budgets to choose from, and the chart's room for its
largest label."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.utils import timezone

from core.money import format_money
from funding.services import LineSpec, envelope_create
from funding.views import CHART_WIDTH, VALUE_CHAR_WIDTH, _chart
from tests.factories import approved_decision, complete_draft, deferred_decision
from tests.helpers import page_text

REPORT = "/reports/financial-years/"


def test_budgets_not_split_by_year_are_listed_with_their_totals(client, demo):
    text = page_text(client.get(REPORT))
    note = text[text.index("Budgets not split by financial year") :]
    # PCD 1406's open-procurement line has no years: £15.4m of its £17.2m budget.
    assert "PCD 1406 : " in note
    assert "£15,400,000 not split, of a budget of £17,200,000" in note
    largest = text[text.index("Largest budgets split by financial year") :]
    assert "PCD 1406 : " in largest and "£1,800,000 split by year (of £17,200,000)" in largest


def test_one_budget_by_financial_year_line_by_line(client, demo):
    response = client.get(REPORT, {"budget": "pcd1406"})
    text = page_text(response)
    assert "Spending by financial year: budget of PCD 1406" in text
    assert "2024/25 £450,000 £450,000" in text and "2027/28 £150,000 £150,000" in text
    assert "All years £1,800,000 £1,800,000" in text
    assert "Direct award under Regulation 12(7) PCR 2015 (set by PCD 1620)" in text
    assert "£15,400,000 of this budget is not split by financial year" in text
    # Back to its decisions and its envelope report.
    body = response.content.decode()
    assert 'href="/decisions/pcd-1406/"' in body and 'href="/decisions/pcd-1620/"' in body
    assert 'href="/reports/envelopes/pcd-1406/"' in body
    envelope = client.get("/reports/envelopes/pcd-1406/").content.decode()
    assert 'href="/decisions/pcd-1406/"' in envelope
    assert 'href="/reports/financial-years/?budget=PCD%201406"' in envelope


def test_a_budget_asked_for_wrongly_is_told_beside_the_field(client, demo):
    text = page_text(client.get(REPORT, {"budget": "not a reference"}))
    assert "Error: Enter a reference like PCD 1406" in text
    assert "Allocations by financial year and decision type" in text  # the whole report
    text = page_text(client.get(REPORT, {"budget": "PCD 99999"}))
    assert "PCD 99999 has no published budget" in text


def test_an_unpublished_budget_is_never_shown_or_listed(client, demo, officer):
    until = timezone.localdate() + dt.timedelta(days=30)
    decision = deferred_decision(user=officer, until=until, title="Deferred budget")
    _budget(officer, decision, 70_000_000_00, split=False)
    decision = approved_decision(user=officer, decision=decision)
    assert "has no published budget" in page_text(
        client.get(REPORT, {"budget": decision.reference})
    )
    assert decision.reference not in page_text(client.get(REPORT))


def _budget(officer, decision, pence, *, split: bool):
    allocations = {2031: pence} if split else {}
    envelope_create(
        user=officer, decision=decision, description="Big budget", funding_source="Core",
        total_pence=pence, lines=[LineSpec("grant", pence, allocations=allocations)],
    )  # fmt: skip


def test_a_huge_budget_can_be_seen_apart_and_the_others_still_listed(client, demo, officer):
    huge = complete_draft(user=officer, title="Huge budget")
    _budget(officer, huge, 4_600_000_000_00, split=True)
    huge = approved_decision(user=officer, decision=huge)
    text = page_text(client.get(REPORT))
    largest = text[text.index("Largest budgets split by financial year") :]
    assert largest.index(huge.reference) < largest.index("PCD 1406")
    # The chart keeps room for its longest amount.
    body = client.get(REPORT).content.decode()
    assert "£4,600,000,000" in body and 'font-family="arial, sans-serif"' in body


def test_the_largest_label_fits_in_the_chart():
    rows = [SimpleNamespace(label="2024/25", total_pence=4_600_000_000_00),
            SimpleNamespace(label="2025/26", total_pence=1_800_000_00)]  # fmt: skip
    chart = _chart(rows, 4_600_000_000_00)
    for bar in chart["bars"]:
        label = format_money(bar["row"].total_pence)
        assert bar["value_x"] + len(label) * VALUE_CHAR_WIDTH <= CHART_WIDTH, label
    assert re.fullmatch(r"£[\d,]+", format_money(4_600_000_000_00))
