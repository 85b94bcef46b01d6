"""The public journey in a real browser: list, decision page, amends links."""

import pytest

from funding.models import BudgetLine
from tests.accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_finds_pcd_1620_and_follows_the_amends_link(page, live_demo):
    page.goto(f"{live_demo.url}/decisions/")
    assert "Showing 1–3 of 3 results" in page.inner_text("main")  # with the demo CEOD 1
    page.get_by_role("link", name="PCD 1620: Children and Young Adult").click()
    assert page.url.endswith("/decisions/pcd-1620/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Children and Young Adult Violence & Exploitation support services")
    table = page.get_by_role("table", name="Budget allocations by financial year")
    # The new line PCD 1620 adds to PCD 1406's envelope is described under its table.
    line = BudgetLine.objects.get(set_by__reference_number=1620)
    assert " ".join(table.inner_text().split()) == (
        "Budget allocations by financial year "
        "Proposed Expenditure 2024/25 2025/26 2026/27 2027/28 Total "
        "Amount £450,000 £600,000 £600,000 £150,000 £1,800,000 "
        f"{line.get_route_display()}: {line.description}"
    )
    page.get_by_role("link", name="PCD 1406").first.click()
    assert page.url.endswith("/decisions/pcd-1406/")
    assert "Amended by PCD 1620" in page.inner_text("main")


@pytest.mark.parametrize(
    "path",
    [
        "/decisions/",
        "/decisions/?q=host+borough",
        "/decisions/?financial_year=2024-26&year=1066",
        "/decisions/pcd-1620/",
        "/decisions/pcd-1406/",
        "/decisions/ceod-1/",
        "/decisions/pcd-9999/",
    ],
)
def test_public_pages_have_no_wcag_violations(page, live_demo, path):
    page.goto(f"{live_demo.url}{path}")
    assert axe_violations(page) == []


def test_decision_page_works_without_javascript(page_without_javascript, live_demo):
    page = page_without_javascript
    page.goto(f"{live_demo.url}/decisions/pcd-1620/")
    main = page.inner_text("main")
    assert "2.8." in main and "Regulation 12 (7)" in main
    assert "£1,800,000" in main


def test_search_works_without_javascript(page_without_javascript, live_demo):
    page = page_without_javascript
    page.goto(f"{live_demo.url}/decisions/")
    page.get_by_label("Search decisions").fill("Regulation 12")
    page.get_by_role("button", name="Search").click()
    main = page.inner_text("main")
    assert "Showing 1–1 of 1 result" in main and "PCD 1620" in main
