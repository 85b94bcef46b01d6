"""The budget step in a real browser (issue 10, point 5 and the route of point 11):
totals right after saving and reopening, a grid that fits at 1280 px and scrolls in
its own region on a phone, years as text added with a button (no JavaScript needed),
an error summary naming the line and the year, and "Not a procurement"."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accessibility import axe_violations
from tests.factories import draft_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The draft's own budget, as an officer types it: line amount and four years.
AMOUNTS = ("450,000", "£600,000", "£0.6m", "150,000")


def this_financial_year() -> int:
    """The start year of today's UK financial year (April to March)."""
    today = dt.date.today()
    return today.year if today.month >= 4 else today.year - 1


def span(year: int) -> str:
    return f"{year} to {year + 1}"


def open_budget(page, base: str, title: str = "Host borough access and coordination") -> int:
    draft = draft_decision(user=User.objects.get(username="officer"), title=title)
    page.set_default_timeout(5000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("officer-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/work/decisions/{draft.pk}/budget/")
    return draft.pk


def fill_budget(page, route: str = "Direct award under Regulation 12(7) PCR 2015") -> None:
    first = this_financial_year()
    page.get_by_label("What is the budget for?").fill("Access and coordination support")
    page.get_by_label("Funding source").fill("Core funding")
    page.get_by_label("Total budget").fill("£1.8m")
    line = page.get_by_role("group", name="Line 1", exact=True)
    line.get_by_label("Procurement route").select_option(label=route)
    line.get_by_label("Amount").fill("£1,800,000")
    for offset, amount in enumerate(AMOUNTS):
        page.get_by_label(f"Line 1, {span(first + offset)}").fill(amount)


def totals(page) -> tuple[list[str], str, str]:
    return (
        page.locator("[data-column-total]").all_inner_texts(),
        page.locator("[data-row-total]").first.inner_text(),
        page.locator("[data-grand-total]").inner_text(),
    )


def test_totals_are_right_after_saving_and_reopening_without_javascript(
    page_without_javascript, live_demo
):
    page = page_without_javascript
    pk = open_budget(page, live_demo.url)
    fill_budget(page)
    page.get_by_role("button", name="Save budget").click()
    assert "Budget saved." in page.inner_text("main")
    page.goto(f"{live_demo.url}/work/decisions/{pk}/budget/")  # reopen
    expected = ["£450,000", "£600,000", "£600,000", "£150,000"]
    assert totals(page) == (expected, "£1,800,000", "£1,800,000")


def test_the_grid_fits_at_1280_and_scrolls_in_its_own_region_on_a_phone(page, live_demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_budget(page, live_demo.url)
    fill_budget(page)
    allocated = page.get_by_role("columnheader", name="Allocated").bounding_box()
    assert allocated["x"] + allocated["width"] <= 1280
    last_cell = page.get_by_label(f"Line 1, {span(this_financial_year() + 3)}").bounding_box()
    assert last_cell["x"] + last_cell["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert axe_violations(page) == [], "budget step at 1280 px"

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    region = page.get_by_role("region", name="Amounts by financial year")
    assert region.get_attribute("tabindex") == "0"  # keyboard users can scroll it
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the table scrolls in it
    region.evaluate("r => { r.scrollLeft = r.scrollWidth }")
    assert region.evaluate("r => r.scrollLeft") > 0
    assert axe_violations(page) == [], "budget step at 390 px"


def test_years_are_headings_and_a_year_is_added_without_javascript(
    page_without_javascript, live_demo
):
    page = page_without_javascript
    open_budget(page, live_demo.url)
    first = this_financial_year()
    headings = page.locator("[data-budget-grid] thead th").all_inner_texts()
    assert headings == ["Line", *[span(first + i) for i in range(4)], "Allocated"]
    assert page.locator("[data-budget-grid] thead input").count() == 0
    fill_budget(page)
    page.get_by_role("group", name="Line 1", exact=True).get_by_label(
        "Description (optional)"
    ).fill("Host borough hub")
    page.get_by_role("button", name=f"Add {span(first + 4)}").click()
    # The new year is there, and everything typed came back.
    expect(page.get_by_role("columnheader", name=span(first + 4))).to_be_visible()
    assert page.get_by_label(f"Line 1, {span(first + 4)}").input_value() == ""
    for offset, amount in enumerate(AMOUNTS):
        assert page.get_by_label(f"Line 1, {span(first + offset)}").input_value() == amount
    assert page.get_by_label("Total budget").input_value() == "£1.8m"
    line = page.get_by_role("group", name="Line 1", exact=True)
    assert line.get_by_label("Description (optional)").input_value() == "Host borough hub"
    assert "There is a problem" not in page.inner_text("main")
    # The empty year can go again; then the budget saves with its four years.
    page.get_by_role("button", name=f"Remove {span(first + 4)}").click()
    expect(page.get_by_role("columnheader", name=span(first + 4))).to_have_count(0)
    page.get_by_role("button", name="Save budget").click()
    assert "Budget saved." in page.inner_text("main")


def test_the_error_summary_names_the_line_and_year_and_goes_to_the_cell(page, live_demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_budget(page, live_demo.url)
    first = this_financial_year()
    fill_budget(page)
    page.get_by_label("Total budget").fill("£2m")
    page.get_by_role("button", name="Add another line").click()
    line_2 = page.get_by_role("group", name="Line 2", exact=True)
    line_2.get_by_label("Procurement route").select_option(label="Grant")
    line_2.get_by_label("Amount").fill("200,000")
    page.get_by_label(f"Line 2, {span(first + 1)}").fill("two hundred")
    page.get_by_role("button", name="Save budget").click()

    summary = page.locator(".govuk-error-summary")
    message = f"Line 2, {span(first + 1)}: enter an amount in pounds"
    assert message in summary.inner_text()
    assert page.get_by_label(f"Line 2, {span(first + 1)}").input_value() == "two hundred"
    assert page.get_by_label("Total budget").input_value() == "£2m"  # nothing typed lost
    assert axe_violations(page) == [], "budget step with errors at 1280 px"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == [], "budget step with errors at 390 px"
    summary.get_by_role("link", name=message).click()
    assert page.evaluate("document.activeElement.id") == f"id_line-1-y{first + 1}"


def test_a_budget_setting_decision_needs_no_procurement(page, live_demo):
    pk = open_budget(page, live_demo.url, title="Violence reduction budget for 2026 to 2030")
    fill_budget(page, route="Not a procurement")
    # Live totals while typing (the script), the same as the server renders them.
    assert totals(page)[2] == "£1,800,000"
    page.get_by_role("button", name="Save budget").click()
    assert "Budget saved." in page.inner_text("main")
    page.goto(f"{live_demo.url}/work/decisions/{pk}/preview/")
    budget = page.get_by_role("table", name="Budget: Access and coordination support")
    assert "Not a procurement" in budget.inner_text()
