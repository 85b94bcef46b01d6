"""Issue 10, points 8, 10 and 11 (the recommendations lead-in) in a real browser: a new
draft opens on its task list, not a red box; asking to submit too soon lists what is
missing; the public access step reveals the deferral questions under "Yes"; the
lead-in chosen on the recommendations step is what the preview and PDF say."""

import subprocess

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accessibility import axe_violations
from tests.factories import UserFactory, complete_draft
from tests.helpers import browser_second_factor, second_factor_device, squash

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # the factories' test password
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def officer_user(transactional_db):
    return UserFactory(role=Role.OFFICER, username="vera", first_name="Vera", last_name="Lin")


def sign_in(page, base, username="vera"):
    from accounts.models import User

    # A signer's authenticator app is set up before they sign in (as an enrolled
    # signer's would be), so the code step asks for its code.
    second_factor_device(User.objects.get(username=username))
    page.set_default_timeout(5000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)
    page.wait_for_url(f"{base}/work/")


def check_page(page, name):
    """No WCAG 2.2 A/AA violation and no sideways scrolling, on a desktop and a phone."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} at {size['width']} px"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width} px wide at {size['width']} px"
    page.set_viewport_size(DESKTOP)


def start_draft(page, base, title="Street lighting in parks"):
    page.goto(f"{base}/work/new/")
    page.get_by_label("DMPC decision (PCD)").check()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/work/decisions/*/")


def test_a_new_draft_opens_on_its_task_list(page, live_server, officer_user):
    sign_in(page, live_server.url)
    page.set_viewport_size(PHONE)
    start_draft(page, live_server.url)
    assert page.locator(".govuk-error-summary").count() == 0
    assert not page.title().startswith("Error:")
    assert page.get_by_text("0 of 12 required tasks done.").is_visible()
    # On a phone the first screen is the title and the task list.
    first_task = page.get_by_role("link", name="Title and executive summary")
    assert first_task.bounding_box()["y"] + 40 < PHONE["height"]
    assert page.get_by_role("heading", name="Street lighting in parks").is_visible()
    # Submit is always there to ask; what blocks it is a closed, plain list.
    assert page.get_by_role("button", name="Submit to the Head of Service", exact=True).is_visible()
    assert not page.get_by_role("link", name="Enter an executive summary").is_visible()
    check_page(page, "task list of a new draft")


def test_submitting_too_soon_lists_what_is_missing_and_keeps_the_comment(
    page, live_server, officer_user
):
    sign_in(page, live_server.url)
    start_draft(page, live_server.url)
    overview = page.url
    page.get_by_role("region", name="Submit to the Head of Service").get_by_label(
        "Note for the reviewers (optional)"
    ).fill("Sam, the figures follow on Monday.")
    page.get_by_role("button", name="Submit to the Head of Service", exact=True).click()
    summary = page.get_by_role("alert")
    # Waited for: the refusal is a new page (is_visible alone would read the old one).
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error:")
    assert summary.get_by_role("link").count() == 18
    assert page.get_by_role("region", name="Submit to the Head of Service").get_by_label(
        "Note for the reviewers (optional)"
    ).input_value() == ("Sam, the figures follow on Monday.")
    check_page(page, "task list after a refused submit")
    summary.get_by_role("link", name="Add a paragraph to section 4: Legal Comments").click()
    page.wait_for_url("**/sections/4/#id_text")
    assert page.get_by_role("heading", name="4. Legal Comments").is_visible()
    page.goto(overview)
    assert page.locator(".govuk-error-summary").count() == 0


def test_deferral_questions_appear_under_yes(page, live_server, officer_user):
    sign_in(page, live_server.url)
    start_draft(page, live_server.url)
    page.get_by_role("link", name="Public access to information").click()
    # The step's own question first: on the task list still, "hidden" below is
    # true at once (no such field) and axe would run while the page is replaced.
    page.get_by_role("group", name="Is the publication of Part 1").wait_for()
    reason = page.get_by_label("For what reason?")
    # The reveal script hides them once it has run (without it they show).
    reason.wait_for(state="hidden")
    page.get_by_label("Day").wait_for(state="hidden")
    check_page(page, "public access step")
    page.get_by_role("group", name="Is the publication of Part 1").get_by_label("Yes").check()
    assert reason.is_visible() and page.get_by_label("Day").is_visible()
    part2 = page.get_by_text("Next you write the Part 2 content")
    assert not part2.is_visible()
    page.get_by_role("group", name="Is there a Part 2 form?").get_by_label("Yes").check()
    assert part2.is_visible()
    page.get_by_role("group", name="Is there a Part 2 form?").get_by_label("No").check()

    reason.fill("The contract is still being negotiated.")
    page.get_by_label("Day").fill("12")
    page.get_by_role("button", name="Save and continue").click()
    error = "Deferral date must include a month and year"
    # The form posts to its own address: wait for the answer, not the old page.
    summary_link = page.get_by_role("alert").get_by_role("link", name=error)
    summary_link.wait_for(state="visible")
    assert summary_link.is_visible()
    assert "Until what date? must" not in page.inner_text("main")
    marked = [
        "govuk-input--error" in (page.get_by_label(box).get_attribute("class") or "")
        for box in ("Day", "Month", "Year")
    ]
    assert marked == [False, True, True]
    assert reason.input_value() == "The contract is still being negotiated."
    check_page(page, "public access step with a date error")


def test_without_javascript_the_deferral_questions_simply_show(
    page_without_javascript, live_server, officer_user
):
    page = page_without_javascript
    sign_in(page, live_server.url)
    start_draft(page, live_server.url)
    page.get_by_role("link", name="Public access to information").click()
    # The click returns once the new page is committed, before it is parsed:
    # wait for the question rather than read a half-built page.
    expect(page.get_by_label("For what reason?")).to_be_visible()
    assert page.get_by_label("Year").is_visible()
    assert page.get_by_text("Next you write the Part 2 content").is_visible()


def test_the_lead_in_chosen_is_what_the_preview_and_pdf_say(
    page, live_server, officer_user, tmp_path
):
    draft = complete_draft(user=officer_user, title="Knife crime grants")
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/work/decisions/{draft.pk}/recommendations/")
    check_page(page, "recommendations step")
    approves = "The Deputy Mayor for Policing and Crime approves:"
    page.get_by_label(approves).check()
    page.get_by_role("button", name="Save how they begin").click()
    assert page.get_by_label(approves).is_checked()

    page.goto(f"{base}/work/decisions/{draft.pk}/preview/")
    main = page.inner_text("main")
    assert approves in main and "is recommended to:" not in main

    pdf = page.request.get(f"{base}/work/decisions/{draft.pk}/preview.pdf")
    assert pdf.ok
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf.body())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    text = squash(out.stdout.decode())
    assert approves in text and "is recommended to:" not in text


def test_the_deputy_mayor_records_interests_only_under_yes(page, live_server, officer_user):
    """ "Interests to record" belongs to the final approver's sign-off (the DMPC's
    statement: "Any such interests are recorded below"), not to the public access
    step; it is asked only once they answer that they have some."""
    from tests.factories import awaiting_approval_decision, reviewers_create

    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer_user, reviewers=reviewers)
    sign_in(page, live_server.url, reviewers.dmpc.username)
    page.goto(f"{live_server.url}/work/decisions/{decision.pk}/review/")
    interests = page.get_by_label("Interests to record", exact=True)
    interests.wait_for(state="hidden")  # once the reveal script has run
    check_page(page, "the Deputy Mayor's sign-off")
    page.get_by_label("Yes, I have interests to record").check()
    assert interests.is_visible()
    page.get_by_label("No, I have no interests to declare").check()
    assert not interests.is_visible()
