"""The demo's home pages in a real browser (issue 10, points 4 and 12): the officer
sees their decisions wherever they are, the three signers each find one decision
waiting with a draft PDF that opens, the records manager has their work on the home
page and in the back office, which carries the product's name. Each page is checked
with axe (WCAG 2.2 A/AA) and for horizontal overflow, at 1280 and 390 px."""

import re

import pytest

from demo.loader import DEMO_USERS
from demo.stage_data import STAGE_DECISIONS
from tests.accessibility import axe_violations
from tests.helpers import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {spec.username: spec.password for spec in DEMO_USERS}
TITLES = {spec.stage: spec.title for spec in STAGE_DECISIONS}
WIDTHS = (1280, 390)


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)


def check_page_at_each_width(page, name: str) -> None:
    """No WCAG 2.2 A/AA violation, and nothing wider than the window, on a phone too."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert axe_violations(page) == [], f"{name} at {width} px"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} is {scroll_width} px wide at {width} px"


def group(page, heading: str):
    """A home page group: the section labelled by its heading."""
    return page.get_by_role("region", name=heading)


def test_officer_sees_their_decisions_in_every_group(page, live_demo_stages):
    base = live_demo_stages.url
    sign_in(page, base, "officer")
    page.goto(f"{base}/work/")
    expected = {
        "Drafting (1)": TITLES["draft"],
        "Returned to you (1)": TITLES["returned"],
        "With the Head of Service (1)": TITLES["submitted"],
        "With the Chief Executive (1)": TITLES["cleared"],
        "Awaiting approval by the Deputy Mayor for Policing and Crime (1)": TITLES[
            "awaiting_approval"
        ],
        "Approved, publication deferred (1)": TITLES["deferred"],
        "Withdrawn or rejected (1)": TITLES["withdrawn"],
    }
    for heading, title in expected.items():
        section = group(page, heading)
        assert section.get_by_role("heading", name=heading).is_visible(), heading
        assert section.get_by_role("link", name=title).is_visible(), heading
    published = group(page, "Published (3)")
    assert published.get_by_text("PCD 1620", exact=True).is_visible()
    # The returner's comment is on the home page, not only in the history.
    returned = group(page, "Returned to you (1)")
    assert "Please add the findings of the equality impact assessment" in returned.inner_text()
    assert "Harper Singh (Head of Service)" in returned.inner_text()
    check_page_at_each_width(page, "officer's home")

    # A published decision's public page is one click away.
    page.set_viewport_size({"width": 1280, "height": 900})
    published.get_by_role("link", name="See it on the public site").first.click()
    page.wait_for_url("**/decisions/*/")
    assert page.get_by_role("heading", level=1).is_visible()


@pytest.mark.parametrize(
    ("username", "stage"),
    [("head", "submitted"), ("ceo", "cleared"), ("dmpc", "awaiting_approval")],
)
def test_each_signer_has_one_decision_waiting_whose_draft_pdf_opens(
    page, live_demo_stages, username, stage
):
    base = live_demo_stages.url
    sign_in(page, base, username)
    page.goto(f"{base}/work/")
    waiting = group(page, "Waiting for me (1)")
    assert waiting.get_by_role("listitem").count() == 1
    if username == "head":
        check_page_at_each_width(page, f"{username}'s home")
    waiting.get_by_role("link", name=TITLES[stage]).click()
    page.wait_for_url("**/review/")
    # Another part of the issue may reword the link: any link to the draft PDF.
    href = page.get_by_role("link", name=re.compile("draft PDF", re.I)).first.get_attribute("href")
    response = page.request.get(f"{base}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_records_manager_has_their_work_at_home_and_in_the_back_office(page, live_demo_stages):
    base = live_demo_stages.url
    sign_in(page, base, "records")
    page.goto(f"{base}/work/")
    due = group(page, "Deferred decisions falling due (1)")
    assert due.get_by_role("link", name=TITLES["deferred"]).is_visible()
    to_record = group(page, "Contracts and grants to record (2)")
    assert to_record.get_by_text("PCD 1620", exact=True).is_visible()
    check_page_at_each_width(page, "records manager's home")

    page.goto(f"{base}/admin/")
    assert page.title().endswith("Decision records — back office")
    assert page.get_by_role("link", name="Decision records — back office").is_visible()
    assert "Django administration" not in page.content()
    work = page.locator("#your-work")
    assert work.get_by_text("Contracts and grants to record (2)").is_visible()
    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
