"""The review journey in a real browser: officer, Head of Service, Chief Executive,
Deputy Mayor, with a return and resubmission on the way."""

import pytest

from accounts.models import User
from tests.accessibility import axe_violations
from tests.factories import complete_draft
from tests.helpers import browser_second_factor, browser_signing_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGINS = {
    "officer": "officer-demo-2026",
    "head": "head-demo-2026",
    "ceo": "ceo-demo-2026",
    "dmpc": "dmpc-demo-2026",
}


def sign_in_as(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(LOGINS[username])
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)
    page.wait_for_url(f"{base}/work/")


def open_waiting(page, title):
    page.get_by_role("link", name=title).click()
    page.wait_for_url("**/review/")


def test_decision_goes_from_officer_to_approved_with_a_return(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    officer = User.objects.get(username="officer")
    draft = complete_draft(user=officer, title="Knife crime prevention grants")

    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.get_by_role("button", name="Submit to the Head of Service").click()
    assert "Submitted to the Head of Service." in page.inner_text("main")

    sign_in_as(page, base, "head")
    open_waiting(page, "Knife crime prevention grants")
    assert axe_violations(page) == [], "review page (Head of Service)"
    page.get_by_label("I confirm the statement above").check()
    page.get_by_role("button", name="Clear and send to the Chief Executive").click()
    assert "Cleared and sent to the Chief Executive." in page.inner_text("main")

    sign_in_as(page, base, "ceo")
    open_waiting(page, "Knife crime prevention grants")
    assert axe_violations(page) == [], "review page (Chief Executive)"
    section = page.get_by_role("region", name="Return to the officer")
    section.get_by_label("Comment for the officer").fill("Add the equality figures to 8.1.")
    section.get_by_role("button", name="Return to the officer").click()
    draft.refresh_from_db()
    assert f"{draft.reference} returned to the officer." in page.inner_text("main")
    assert page.url == f"{base}/work/"

    sign_in_as(page, base, "officer")
    assert "Knife crime prevention grants" in page.inner_text("main")  # "Returned to me"
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.get_by_role("button", name="Submit to the Head of Service").click()

    sign_in_as(page, base, "head")
    open_waiting(page, "Knife crime prevention grants")
    page.get_by_label("I confirm the statement above").check()
    page.get_by_role("button", name="Clear and send to the Chief Executive").click()

    sign_in_as(page, base, "ceo")
    open_waiting(page, "Knife crime prevention grants")
    sign = page.get_by_role("region", name="Sign and send to the Deputy Mayor")
    sign.get_by_label("I confirm the statement above").check()
    sign.get_by_label("Your password").fill(LOGINS["ceo"])
    browser_signing_code(sign, "ceo")
    sign.get_by_role("button", name="Sign and send to the Deputy Mayor").click()
    assert "Signed and sent" in page.inner_text("main")

    sign_in_as(page, base, "dmpc")
    open_waiting(page, "Knife crime prevention grants")
    assert axe_violations(page) == [], "sign-off page"
    approve = page.get_by_role("region", name="Approve and publish")
    approve.get_by_label("No, I have no interests to declare").check()
    approve.get_by_label("Your password").fill("wrong password")
    browser_signing_code(approve, "dmpc")
    approve.get_by_role("button", name="Approve and publish").click()
    assert "The password is not correct." in page.inner_text("main")
    assert axe_violations(page) == [], "sign-off page with an error"
    approve = page.get_by_role("region", name="Approve and publish")
    approve.get_by_label("No, I have no interests to declare").check()
    approve.get_by_label("Your password").fill(LOGINS["dmpc"])
    browser_signing_code(approve, "dmpc")
    approve.get_by_role("button", name="Approve and publish").click()
    assert "Approved. The decision is final. It is now published." in page.inner_text("main")

    page.get_by_role("link", name="History and audit trail").click()
    assert axe_violations(page) == [], "history page"
    timeline = " ".join(page.inner_text("main").split())
    for step in (
        "started the draft",
        "Officer, submitted it to the Head of Service",
        "Chief Executive Officer, returned it to the officer",
        "Add the equality figures to 8.1.",
        "Chief Executive Officer, signed it and sent it to the Deputy Mayor for Policing and Crime",
        "Deputy Mayor for Policing and Crime, approved it",
        "The content has not changed since it was approved.",
    ):
        assert step in timeline, step
    assert timeline.count("Officer, submitted it to the Head of Service") == 2
    draft.refresh_from_db()
    assert draft.state == "approved"
