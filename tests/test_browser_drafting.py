"""The officer's journey in a real browser: PCD 1620 drafted from a blank page."""

import re

import pytest
from playwright.sync_api import expect

from decisions.models import Decision
from demo import pcd_1620 as seed
from tests.accessibility import axe_violations
from tests.helpers import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username="officer", password="officer-demo-2026"):  # noqa: S107 - demo login
    page.goto(f"{base_url}/work/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)
    page.wait_for_url(f"{base_url}/work/")


def test_officer_drafts_pcd_1620_from_a_blank_page(page, live_demo):
    base = live_demo.url
    sign_in(page, base)
    page.set_default_timeout(5000)
    page.get_by_role("button", name="Start a new decision").click()
    page.get_by_label("DMPC decision (PCD)").check()
    page.get_by_label("Title").fill(seed.TITLE)
    page.get_by_role("button", name="Create draft").click()
    # A new draft opens on its task list, with a neutral count, not a list of errors.
    expect(page.get_by_text("0 of 12 required tasks done.")).to_be_visible()
    assert page.locator(".govuk-error-summary").count() == 0
    overview = page.url

    page.get_by_role("link", name="Title and executive summary").click()
    page.get_by_label("Executive summary").fill(seed.EXECUTIVE_SUMMARY)
    page.get_by_role("button", name="Save and return to the task list").click()

    page.get_by_role("link", name="Recommendations").click()
    for recommendation in seed.RECOMMENDATIONS:
        page.get_by_label("Add a recommendation").fill(recommendation)
        page.get_by_role("button", name="Add recommendation").click()
        assert "Recommendation added." in page.inner_text("main")

    for kind, paragraphs in seed.SECTIONS.items():
        page.goto(overview)
        page.get_by_role("link", name=re.compile(rf"^{kind}\. ")).click()
        for position, text in enumerate(paragraphs, start=1):
            page.get_by_label("Add a paragraph").fill(text)
            if (kind, position) == seed.BUDGET_TABLE_AFTER:
                page.get_by_label("Show the budget table after this paragraph").check()
            page.get_by_role("button", name="Add paragraph").click()
            assert f"{kind}.{position}." in page.inner_text("main")

    page.goto(overview)
    page.get_by_role("link", name="Related decisions").click()
    page.get_by_label("Reference of the other decision").fill("PCD 1406")
    page.get_by_label("It amends that decision").check()
    page.get_by_label("Describe the link in one line (optional)").fill(seed.LINK_DESCRIPTION)
    page.get_by_role("button", name="Add link").click()
    assert "Amends PCD 1406" in page.inner_text("main")

    page.goto(overview)
    page.get_by_role("link", name="Appendices and background papers").click()
    for title in seed.APPENDICES:
        page.get_by_label("Title").fill(title)
        page.get_by_role("group", name="Publish this appendix").get_by_label("Yes").check()
        page.get_by_role("button", name="Add appendix").click()
        assert title in page.inner_text("main")

    page.goto(overview)
    page.get_by_role("link", name="Public access to information").click()
    page.get_by_role("group", name="Is the publication of Part 1").get_by_label("No").check()
    page.get_by_role("group", name="Is there a Part 2 form?").get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("link", name="Originating officer declaration").click()
    for kind, heading, statement in seed.DECLARATIONS:
        if kind == "head_of_service":
            continue
        page.locator(f"#id_{kind}-statement").fill(statement)
        page.get_by_label(f"I confirm the {heading} statement").check()
    page.get_by_role("button", name="Save and return to the task list").click()

    # Only the Head of Service's row remains, and it is theirs to confirm at review.
    assert page.get_by_text("Everything the form needs is complete").is_visible()

    page.get_by_role("link", name="Preview the decision as it will be published").click()
    preview = page.url
    for region in ("#executive-summary", "#recommendations", "#part-1", "#public-access"):
        assert page.locator(region).count() == 1
    drafted_body = body_text(page)
    page.goto(f"{base}/decisions/pcd-1620/")
    published_body = body_text(page)
    # The budget table comes from funding data, which the budget step (the funding
    # issue's) adds; everything else of Part 1 must match the seeded record.
    table = " ".join(
        page.get_by_role("table", name="Budget allocations by financial year").inner_text().split()
    )
    assert table in published_body
    assert drafted_body == published_body.replace(table + " ", "")

    draft = Decision.objects.get(title=seed.TITLE, state="draft")
    assert draft.drafted_by.username == "officer"
    page.goto(preview)
    assert "Amends PCD 1406" in page.inner_text("main")


def body_text(page):
    """The decision's body from executive summary to the end of public access, without
    the approver's signature (signed on the published record, not yet on the draft)."""
    main = " ".join(page.inner_text("main").split())
    # Nor the published page's contents list (the section names, before the body).
    for block in page.locator(".dr-signature, .dr-contents").all_inner_texts():
        main = main.replace(" ".join(block.split()) + " ", "")
    start = main.index("Executive summary")
    end = main.index("Originating officer declaration")
    return main[start:end]


def test_drafting_pages_have_no_wcag_violations(page, live_demo):
    from accounts.models import User
    from decisions.services import (
        appendix_add,
        decision_create,
        decision_link_create,
        paragraph_add,
        recommendation_add,
    )

    officer = User.objects.get(username="officer")
    draft = decision_create(user=officer, type_code="PCD", title="Accessible draft")
    recommendation_add(user=officer, decision=draft, text="Agree the plan.")
    recommendation_add(user=officer, decision=draft, text="Delegate the contract.")
    paragraph_add(user=officer, decision=draft, section_kind=1, text="Background (a) one")
    paragraph_add(user=officer, decision=draft, section_kind=1, text="More background")
    decision_link_create(user=officer, decision=draft, target_reference="PCD 1406", kind="amends")
    appendix_add(user=officer, decision=draft, title="Appendix 1")

    base = live_demo.url
    page.goto(f"{base}/accounts/login/")
    assert axe_violations(page) == [], "login"
    sign_in(page, base)
    work = f"{base}/work/decisions/{draft.pk}"
    paths = [
        "/work/",
        "/work/new/",
        f"{work}/",
        f"{work}/summary/",
        f"{work}/recommendations/",
        f"{work}/recommendations/{draft.recommendations.first().pk}/",
        f"{work}/sections/1/",
        f"{work}/sections/3/",
        f"{work}/paragraphs/{draft.sections.get(kind=1).paragraphs.first().pk}/",
        f"{work}/links/",
        f"{work}/appendices/",
        f"{work}/public-access/",
        f"{work}/part-2/",
        f"{work}/declarations/",
        f"{work}/sharing/",
        f"{work}/preview/",
    ]
    for path in paths:
        page.goto(path if path.startswith("http") else f"{base}{path}")
        assert axe_violations(page) == [], path

    # Pages showing errors: the error summary and messages next to fields.
    page.goto(f"{work}/summary/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save and return to the task list").click()
    assert "Enter a title" in page.inner_text("main")
    assert axe_violations(page) == [], "summary with errors"
    page.goto(f"{work}/public-access/")
    page.get_by_role("group", name="Is the publication of Part 1").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()
    assert "Enter the reason for deferring publication" in page.inner_text("main")
    assert axe_violations(page) == [], "public access with errors"


def test_drafting_works_without_javascript(page_without_javascript, live_demo):
    page = page_without_javascript
    page.set_default_timeout(5000)
    sign_in(page, live_demo.url)
    page.get_by_role("button", name="Start a new decision").click()
    page.get_by_label("Chief Executive decision (CEOD)").check()
    page.get_by_label("Title").fill("Drafted without JavaScript")
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("link", name="Recommendations").click()
    page.get_by_label("Add a recommendation").fill("Approve a grant of £20,000.")
    page.get_by_role("button", name="Add recommendation").click()
    assert "Approve a grant of £20,000." in page.inner_text("main")


def test_leaving_with_unsaved_changes_warns(page, live_demo):
    from accounts.models import User
    from decisions.services import decision_create

    officer = User.objects.get(username="officer")
    draft = decision_create(user=officer, type_code="PCD", title="Unsaved changes")
    sign_in(page, live_demo.url)
    page.set_default_timeout(5000)
    page.goto(f"{live_demo.url}/work/decisions/{draft.pk}/summary/")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_label("Executive summary").click()
    page.keyboard.type("Half-written summary")
    page.get_by_role("link", name="Back to the task list").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/summary/")  # the officer stayed, text intact
    assert page.get_by_label("Executive summary").input_value() == "Half-written summary"
    # Saving is not leaving: no warning.
    page.get_by_role("button", name="Save and return to the task list").click()
    page.wait_for_url(f"**/work/decisions/{draft.pk}/")
    assert dialogs == ["beforeunload"]
