"""Reviewers and officers in a real browser (issue 10, points 3 and 7, and the
conversation): confirmation pages for withdraw and reject, the review page's summary,
skip link and outcome, and comments passed between officer and Head of Service."""

import pytest

from accounts.models import User
from decisions.models import Decision
from decisions.services import decision_clear, decision_sign, decision_submit
from tests.accessibility import axe_violations
from tests.factories import complete_draft
from tests.helpers import browser_signing_code
from tests.test_browser_workflow import LOGINS, open_waiting, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)


def assert_fits_and_is_accessible(page, what):
    """No WCAG 2.2 A/AA violation at either width, and nothing wider than a phone."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{what} at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (what, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def main_text(page) -> str:
    return " ".join(page.inner_text("main").split())


def people():
    return {name: User.objects.get(username=name) for name in ("officer", "head", "ceo", "dmpc")}


def awaiting_the_dmpc(title):
    who = people()
    decision = complete_draft(user=who["officer"], title=title)
    decision = decision_submit(user=who["officer"], decision=decision)
    decision = decision_clear(user=who["head"], decision=decision)
    return decision_sign(user=who["ceo"], decision=decision)


def test_withdraw_asks_for_a_reason_on_its_own_page(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    draft = complete_draft(user=people()["officer"], title="Summer youth outreach")
    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    # Beside Submit there is only a way to the confirmation page, no withdraw form.
    assert page.locator("form[action$='/act/withdraw/']").count() == 0
    page.get_by_role("button", name="Withdraw the draft").click()
    page.wait_for_url(f"**/decisions/{draft.pk}/confirm/withdraw/")
    text = main_text(page)
    assert "Withdraw the draft?" in text and "This cannot be undone." in text
    assert_fits_and_is_accessible(page, "withdraw confirmation")

    page.get_by_role("button", name="Withdraw the draft").click()
    assert "Enter the reason for withdrawing this draft." in main_text(page)
    assert_fits_and_is_accessible(page, "withdraw confirmation with an error")
    draft.refresh_from_db()
    assert draft.state == "draft"

    page.get_by_label("Why are you withdrawing this draft?").fill("Folded into the autumn plan.")
    page.get_by_role("button", name="Withdraw the draft").click()
    page.wait_for_url(f"**/work/decisions/{draft.pk}/")
    assert "Withdrawn. The draft is closed" in main_text(page)
    draft.refresh_from_db()
    assert draft.state == "withdrawn"
    assert draft.events.get(action="withdraw").comment == "Folded into the autumn plan."


def test_reject_needs_a_reason_on_its_own_page(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    decision = awaiting_the_dmpc("Stop and search review panel")
    sign_in_as(page, base, "dmpc")
    open_waiting(page, "Stop and search review panel")
    assert page.locator("form[action$='/act/reject/']").count() == 0
    page.get_by_role("button", name="Reject the decision").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/confirm/reject/")
    assert "Reject the decision?" in main_text(page)
    assert_fits_and_is_accessible(page, "reject confirmation")

    reason = page.get_by_label("Why are you rejecting this decision?")
    reason.fill("   ")
    page.get_by_role("button", name="Reject the decision").click()
    assert "Enter the reason for rejecting this decision." in main_text(page)
    assert_fits_and_is_accessible(page, "reject confirmation with an error")
    decision.refresh_from_db()
    assert decision.state == "awaiting_approval"

    page.get_by_label("Why are you rejecting this decision?").fill("It duplicates IOPC work.")
    page.get_by_role("button", name="Reject the decision").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/review/")
    text = main_text(page)
    assert "Rejected. The decision is closed" in text
    assert "Rejected by" in text and "It duplicates IOPC work." in text
    assert "as it will be published" not in text


def test_the_officers_note_and_the_review_page_summary(page, live_demo):
    """Submit with a note; the Head of Service sees it in the summary's conversation,
    skips to the action, and the page passes axe in normal and error states."""
    base = live_demo.url
    page.set_default_timeout(5000)
    draft = complete_draft(user=people()["officer"], title="Violence reduction hubs")
    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.get_by_label("Note for the reviewers (optional)").fill("Figures in 8.1 are from 2025.")
    page.get_by_role("button", name="Submit to the Head of Service").click()
    assert "Submitted to the Head of Service." in main_text(page)

    sign_in_as(page, base, "head")
    open_waiting(page, "Violence reduction hubs")
    text = main_text(page)
    summary = text[text.index("Summary Reference") :]
    assert summary.index("Figures in 8.1 are from 2025.") < summary.index("Executive summary")
    assert f"{people()['officer'].display_name}, Officer" in summary
    assert_fits_and_is_accessible(page, "review page")

    page.get_by_role("link", name="Skip to your decision").click()
    assert page.url.endswith("#your-decision")
    heading = page.get_by_role("heading", name="Your decision")
    box = heading.bounding_box()
    assert 0 <= box["y"] < 900, "the action heading is on screen"
    page.keyboard.press("Tab")  # the next thing to use is in the action panel
    in_actions = page.evaluate(
        "document.getElementById('your-decision').parentElement.contains(document.activeElement)"
    )
    assert in_actions, page.evaluate("document.activeElement.outerHTML")

    page.get_by_role("button", name="Clear and send to the Chief Executive").click()
    assert "Confirm the statement to continue" in main_text(page)
    assert_fits_and_is_accessible(page, "review page with an error")


def test_after_approval_the_page_says_published_and_links_to_it(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(10000)
    decision = awaiting_the_dmpc("Domestic abuse perpetrator programme")
    sign_in_as(page, base, "dmpc")
    open_waiting(page, "Domestic abuse perpetrator programme")
    assert "Draft PDF" in main_text(page)
    approve = page.get_by_role("region", name="Approve and publish")
    approve.get_by_label("No, I have no interests to declare").check()
    approve.get_by_label("Your password").fill(LOGINS["dmpc"])
    browser_signing_code(approve, "dmpc")
    approve.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/review/")
    text = main_text(page)
    assert "Approved. The decision is final. It is now published." in text
    assert "Approved and published" in text
    assert "as it will be published" not in text and "Draft PDF" not in text
    assert_fits_and_is_accessible(page, "approved review page")
    decision = Decision.objects.with_type().get(pk=decision.pk)
    pdf = page.get_by_role("link", name="Download the published PDF")
    assert pdf.get_attribute("href") == f"/decisions/{decision.slug}/pdf/"
    page.get_by_role("link", name="View the published decision").click()
    page.wait_for_url(f"**/decisions/{decision.slug}/")
    assert "Domestic abuse perpetrator programme" in main_text(page)


def test_officer_and_head_of_service_talk_it_over(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    who = people()
    decision = complete_draft(user=who["officer"], title="Youth mentoring grants")
    decision = decision_submit(user=who["officer"], decision=decision)

    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{decision.pk}/")
    page.get_by_label("Add a comment").fill("The grant list is attached as appendix A.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"**/work/decisions/{decision.pk}/#conversation")
    assert "The grant list is attached as appendix A." in main_text(page)
    assert_fits_and_is_accessible(page, "task list with a conversation")

    sign_in_as(page, base, "head")
    open_waiting(page, "Youth mentoring grants")
    assert "The grant list is attached as appendix A." in main_text(page)
    page.get_by_role("button", name="Add comment").click()  # nothing typed
    assert "Enter your comment." in main_text(page)
    assert_fits_and_is_accessible(page, "comment page with an error")
    page.get_by_label("Add a comment").fill("Thanks: is appendix A the final list?")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/review/#conversation")

    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{decision.pk}/")
    text = main_text(page)
    assert f"{who['head'].display_name}, Head of Service" in text
    assert "Thanks: is appendix A the final list?" in text


def test_confirmation_and_comments_work_without_javascript(page_without_javascript, live_demo):
    page, base = page_without_javascript, live_demo.url
    page.set_default_timeout(5000)
    decision = awaiting_the_dmpc("Custody healthcare contract")
    sign_in_as(page, base, "dmpc")
    page.goto(f"{base}/work/decisions/{decision.pk}/review/")
    page.get_by_label("Add a comment").fill("Is the NHS partner confirmed?")
    page.get_by_role("button", name="Add comment").click()
    assert "Is the NHS partner confirmed?" in main_text(page)
    page.get_by_role("button", name="Reject the decision").click()
    page.get_by_role("button", name="Reject the decision").click()
    assert "Enter the reason for rejecting this decision." in main_text(page)
    page.get_by_label("Why are you rejecting this decision?").fill("No NHS partner yet.")
    page.get_by_role("button", name="Reject the decision").click()
    page.wait_for_url(f"**/decisions/{decision.pk}/review/")
    decision.refresh_from_db()
    assert decision.state == "rejected"
