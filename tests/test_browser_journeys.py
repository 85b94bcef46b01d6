"""Whole journeys in a real browser, by the four people a decision passes through.

(a) From a blank page to published: the officer drafts every required step through
the forms, the Head of Service clears, the Chief Executive signs, the Deputy Mayor
approves, and the public page shows it. The Deputy Mayor's page and the officer's
preview never name the Chief Executive as the decision maker.
(b) Return, edit and resubmit: a reviewer returns the draft with a comment, the
officer reads it, changes a paragraph and resubmits, and the reviewer sees the new
text.

Buttons are found by how their label starts (re.compile(r"^Clear")), so the longer
labels that say what they do ("Clear and send to the Chief Executive") match too.
"""

import re

import pytest

from accounts.models import User
from decisions.models import Decision, SectionKind
from decisions.selectors.drafting import REQUIRED_SECTIONS
from tests.factories import complete_draft
from tests.helpers import browser_second_factor, browser_signing_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "{}-demo-2026"  # demo logins: <username>-demo-2026


def sign_in_as(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD.format(username))
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)
    page.wait_for_url(f"{base}/work/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your work"


def main_text(page) -> str:
    return " ".join(page.inner_text("main").split())


def key_information(page) -> dict[str, str]:
    """The 'Key information' rows (Reference code, Date signed, Decision by …)."""
    rows = {}
    for row in page.locator(".govuk-summary-list__row").all():
        key = " ".join(row.locator(".govuk-summary-list__key").inner_text().split())
        rows[key] = " ".join(row.locator(".govuk-summary-list__value").inner_text().split())
    return rows


def open_from_home(page, title):
    page.get_by_role("link", name=re.compile(re.escape(title))).first.click()


def back_to_task_list(page, base, pk):
    page.goto(f"{base}/work/decisions/{pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE


TITLE = "Violence reduction grants for youth clubs"
SUMMARY = "Grants of £40,000 to three youth clubs for summer diversion work."
RECOMMENDATION = "Approve grants totalling £40,000 to three youth clubs."


def test_blank_page_to_published_by_four_people(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(8000)
    officer, ceo, dmpc = (User.objects.get(username=u) for u in ("officer", "ceo", "dmpc"))

    # Officer: a blank page, through every required step.
    sign_in_as(page, base, "officer")
    page.get_by_role("button", name="Start a new decision").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Start a new decision"
    page.get_by_label("DMPC decision (PCD)").check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Create draft").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    decision = Decision.objects.get(title=TITLE)
    assert decision.drafted_by == officer
    assert "Draft" in main_text(page)

    page.get_by_role("link", name="Title and executive summary").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Title and executive summary"
    page.get_by_label("Executive summary").fill(SUMMARY)
    page.get_by_role("button", name="Save and return to the task list").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE

    page.get_by_role("link", name="Recommendations").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendations"
    page.get_by_label("Add a recommendation").fill(RECOMMENDATION)
    page.get_by_role("button", name="Add recommendation").click()
    assert "Recommendation added." in main_text(page)
    assert RECOMMENDATION in main_text(page)

    paragraphs = {
        kind: f"{SectionKind(kind).label}: paragraph for the youth clubs."
        for kind in REQUIRED_SECTIONS
    }
    for kind, text in paragraphs.items():
        back_to_task_list(page, base, decision.pk)
        page.get_by_role("link", name=re.compile(rf"^{int(kind)}\. ")).click()
        heading = f"{int(kind)}. {SectionKind(kind).label}"
        assert page.get_by_role("heading", level=1).inner_text() == heading
        page.get_by_label("Add a paragraph").fill(text)
        page.get_by_role("button", name="Add paragraph").click()
        assert f"{int(kind)}.1. {text}" in main_text(page)

    back_to_task_list(page, base, decision.pk)
    page.get_by_role("link", name="Public access to information").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Public access to information"
    page.get_by_role("group", name="Is the publication of Part 1").get_by_label("No").check()
    page.get_by_role("group", name="Is there a Part 2 form?").get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()
    assert "Public access answers saved." in main_text(page)

    back_to_task_list(page, base, decision.pk)
    page.get_by_role("link", name="Originating officer declaration").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Originating officer declaration"
    for box in page.locator("main form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Save and return to the task list").click()
    assert "Declarations saved." in main_text(page)

    submit = page.locator("form", has=page.get_by_role("button", name=re.compile(r"^Submit")))
    submit.get_by_role("textbox").fill("The clubs need an answer before the summer term.")
    submit.get_by_role("button", name=re.compile(r"^Submit")).click()
    assert "Submitted to the Head of Service." in main_text(page)
    decision.refresh_from_db()
    reference = decision.reference
    assert decision.state == "submitted" and reference.startswith("PCD ")
    assert reference in main_text(page)
    assert "With the Head of Service" in main_text(page)
    page.goto(f"{base}/work/")
    assert TITLE in main_text(page)  # still in sight on the officer's home

    # Head of Service: clears.
    sign_in_as(page, base, "head")
    open_from_home(page, TITLE)
    page.wait_for_url("**/review/")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "With the Head of Service" in main_text(page)
    assert SUMMARY in main_text(page) and RECOMMENDATION in main_text(page)
    page.get_by_label("I confirm the statement above").check()
    page.locator("main").get_by_role("button", name=re.compile(r"^Clear")).click()
    assert "Cleared and sent to the Chief Executive." in main_text(page)

    # Chief Executive: signs.
    sign_in_as(page, base, "ceo")
    open_from_home(page, TITLE)
    page.wait_for_url("**/review/")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "With the Chief Executive" in main_text(page)
    page.get_by_label("I confirm the statement above").check()
    page.get_by_label("Your password").fill(PASSWORD.format("ceo"))
    browser_signing_code(page, "ceo")
    page.locator("main").get_by_role("button", name=re.compile(r"^Sign and send")).click()
    assert "Signed and sent to the Deputy Mayor" in main_text(page)

    # Deputy Mayor: the page names no decision maker before they sign.
    sign_in_as(page, base, "dmpc")
    open_from_home(page, TITLE)
    page.wait_for_url("**/review/")
    review_url = page.url
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Awaiting approval" in main_text(page)
    rows = key_information(page)
    assert rows["Reference code"] == reference
    assert rows["Date signed"] == "Not yet signed"
    assert ceo.display_name not in rows["Decision by"]
    assert "Chief Executive" not in rows["Decision by"]
    assert dmpc.display_name not in rows["Decision by"]  # nobody has decided yet
    # The Chief Executive's own signature is on the page, as theirs.
    assert ceo.display_name in main_text(page)

    # The officer's preview says the same while it waits for the Deputy Mayor.
    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{decision.pk}/preview/")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    preview_rows = key_information(page)
    assert preview_rows["Date signed"] == "Not yet signed"
    assert ceo.display_name not in preview_rows["Decision by"]

    sign_in_as(page, base, "dmpc")
    page.goto(review_url)
    page.get_by_label("No, I have no interests to declare").check()
    page.get_by_label("Your password").fill(PASSWORD.format("dmpc"))
    browser_signing_code(page, "dmpc")
    page.locator("main").get_by_role("button", name=re.compile(r"^Approve")).click()
    assert "Approved." in main_text(page)
    decision.refresh_from_db()
    assert decision.state == "approved"
    rows = key_information(page)
    assert rows["Decision by"] == f"{dmpc.display_name}, {dmpc.job_title}"
    assert rows["Date signed"] != "Not yet signed"

    # The public: the list finds it, and its page names the Deputy Mayor.
    page.context.clear_cookies()
    page.goto(f"{base}/decisions/")
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    public = key_information(page)
    assert public["Reference code"] == reference
    assert public["Decision by"] == f"{dmpc.display_name}, {dmpc.job_title}"
    assert ceo.display_name not in public["Decision by"]
    body = main_text(page)
    assert SUMMARY in body and RECOMMENDATION in body
    for text in paragraphs.values():
        assert text in body


def test_returned_edited_and_resubmitted(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(8000)
    officer = User.objects.get(username="officer")
    draft = complete_draft(user=officer, title="Knife crime education in schools")
    first = draft.sections.get(kind=SectionKind.ISSUES).paragraphs.get()
    old_text, new_text = first.text, "The schools asked for sessions in Years 7 and 8."
    comment = "Say which year groups the sessions are for in 2.1."

    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.locator("main").get_by_role("button", name=re.compile(r"^Submit")).click()
    assert "Submitted to the Head of Service." in main_text(page)

    sign_in_as(page, base, "head")
    open_from_home(page, draft.title)
    page.wait_for_url("**/review/")
    review_url = page.url
    assert old_text in main_text(page)
    page.get_by_label("Comment for the officer").fill(comment)
    page.locator("main").get_by_role("button", name=re.compile(r"^Return")).click()
    draft.refresh_from_db()
    assert f"{draft.reference} returned to the officer." in main_text(page)
    assert page.url == f"{base}/work/"  # their home: the draft is no longer theirs to see

    sign_in_as(page, base, "officer")
    assert draft.title in main_text(page)  # "Returned to me"
    page.goto(f"{base}/work/decisions/{draft.pk}/history/")
    assert comment in main_text(page)

    page.goto(f"{base}/work/decisions/{draft.pk}/sections/{int(SectionKind.ISSUES)}/")
    page.get_by_role("link", name="Edit paragraph 2.1").click()
    page.get_by_label(re.compile("paragraph", re.I)).first.fill(new_text)
    page.get_by_role("button", name="Save").click()
    assert new_text in main_text(page) and old_text not in main_text(page)
    page.goto(f"{base}/work/decisions/{draft.pk}/")
    page.locator("main").get_by_role("button", name=re.compile(r"^Submit")).click()
    assert "Submitted to the Head of Service." in main_text(page)

    sign_in_as(page, base, "head")
    page.goto(review_url)
    body = main_text(page)
    assert f"2.1. {new_text}" in body
    assert old_text not in body
    draft.refresh_from_db()
    assert draft.state == "submitted"
