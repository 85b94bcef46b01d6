"""The budget step in a real browser: live totals, an unbalanced row fixed, the preview."""

import pytest

from accounts.models import User
from tests.accessibility import axe_violations
from tests.factories import draft_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_adds_a_four_year_budget(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    officer = User.objects.get(username="officer")
    draft = draft_decision(user=officer, title="Host borough access and coordination")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("officer-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.get_by_role("link", name="Budget").click()
    assert axe_violations(page) == [], "budget step"

    page.get_by_label("What is the budget for?").fill("Access and coordination support")
    page.get_by_label("Funding source").fill(
        "Commissioning & Partnership Directorate's core funding"
    )
    page.get_by_label("Total budget").fill("£1.8m")
    page.get_by_label("Line 1: procurement route").select_option("direct_award_reg_12_7")
    page.get_by_label("Line 1: amount").fill("£1,800,000")
    for index, year in enumerate(("2024/25", "2025/26", "2026/27", "2027/28"), start=1):
        page.get_by_label(f"Financial year {index}", exact=True).fill(year)
    amounts = ("450,000", "600,000", "600,000", "140,000")  # the last one is wrong
    for index, amount in enumerate(amounts, start=1):
        page.get_by_label(f"Line 1, financial year {index}").fill(amount)
    # Live totals (JavaScript) before anything is sent.
    assert page.locator("[data-row-total]").first.inner_text() == "£1,790,000"
    assert page.locator("[data-grand-total]").inner_text() == "£1,790,000"

    page.get_by_role("button", name="Save budget").click()
    assert "add up to £1,790,000 but the line is £1,800,000" in page.inner_text("main")
    assert axe_violations(page) == [], "budget step with errors"
    assert page.get_by_label("Line 1, financial year 3").input_value() == "600,000"  # kept
    page.get_by_label("Line 1, financial year 4").fill("£150,000")
    assert page.locator("[data-grand-total]").inner_text() == "£1,800,000"
    page.get_by_role("button", name="Save budget").click()
    assert "Budget saved." in page.inner_text("main")

    page.goto(f"{base}/work/decisions/{draft.pk}/preview/")
    table = page.get_by_role("table", name="Budget allocations by financial year")
    assert " ".join(table.inner_text().split()).endswith(
        "Amount £450,000 £600,000 £600,000 £150,000 £1,800,000"
    )
