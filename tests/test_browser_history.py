"""Issue 10 points 6 and 9 in a real browser: adds and edits in two tabs, Back and
submit again, and the history page in words, at 1280 and 390 px, checked by axe."""

import re

import pytest

from accounts.models import User
from decisions.models import Decision, Paragraph
from decisions.services import paragraph_add, paragraph_update
from tests.accessibility import axe_violations
from tests.factories import draft_decision
from tests.helpers import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
RAW_WORDS = (
    "signer_id", "content_digest", "awaiting_approval", "Head_of_service", "head_of_service",
    "(Dmpc)", "Draft · Draft", "drafted_by", "form_token",
)  # fmt: skip
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def sign_in_as(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    browser_second_factor(page, username)
    page.wait_for_url(f"{base}/work/")


def assert_fits_and_passes_axe(page, what):
    """axe clean and no wider than the viewport, at each width, as the page stands."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{what} at {width} px"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{what} is {scroll_width} px wide at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def main_text(page) -> str:
    return " ".join(page.inner_text("main").split())


@pytest.fixture
def draft(live_demo):
    return draft_decision(user=User.objects.get(username="officer"), title="Two tabs at once")


def section_url(base, decision, kind):
    return f"{base}/work/decisions/{decision.pk}/sections/{kind}/"


def test_adds_to_two_sections_in_two_tabs_both_succeed(page, live_demo, draft):
    base = live_demo.url
    page.set_default_timeout(5000)
    sign_in_as(page, base, "officer")
    other_tab = page.context.new_page()
    page.goto(section_url(base, draft, 1))
    other_tab.goto(section_url(base, draft, 2))
    page.get_by_label("Add a paragraph").fill("Why this decision is needed.")
    other_tab.get_by_label("Add a paragraph").fill("The issue to consider.")
    page.get_by_role("button", name="Add paragraph").click()
    other_tab.get_by_role("button", name="Add paragraph").click()
    for tab, number, text in (
        (page, "1.1.", "Why this decision is needed."),
        (other_tab, "2.1.", "The issue to consider."),
    ):
        shown = main_text(tab)
        assert "Paragraph added." in shown
        assert f"{number} {text}" in shown
        assert "changed after you opened" not in shown
        assert "Someone else saved" not in shown
    assert Paragraph.objects.filter(section__decision=draft).count() == 2
    assert_fits_and_passes_axe(other_tab, "section page after an add")
    other_tab.get_by_role("button", name="Add paragraph").click()  # nothing typed
    assert "Enter the paragraph" in main_text(other_tab)
    assert_fits_and_passes_axe(other_tab, "section page with an error")


def test_back_and_submit_again_adds_nothing_and_says_so(page, live_demo, draft):
    base = live_demo.url
    page.set_default_timeout(5000)
    sign_in_as(page, base, "officer")
    page.goto(section_url(base, draft, 2))
    page.get_by_label("Add a paragraph").fill("Added once only.")
    page.get_by_role("button", name="Add paragraph").click()
    assert "Paragraph added." in main_text(page)
    page.go_back()
    # The browser puts the typed text back (the page itself may be fetched again).
    assert page.get_by_label("Add a paragraph").input_value() == "Added once only."
    page.get_by_role("button", name="Add paragraph").click()
    assert "That paragraph was already added: it is paragraph 2.1." in main_text(page)
    assert list(
        Paragraph.objects.filter(section__decision=draft).values_list("text", flat=True)
    ) == ["Added once only."]


def test_the_same_paragraph_edited_in_two_tabs_keeps_both_texts(page, live_demo, draft):
    base = live_demo.url
    page.set_default_timeout(5000)
    officer = User.objects.get(username="officer")
    paragraph = paragraph_add(user=officer, decision=draft, section_kind=2, text="First words.")
    edit = f"{base}/work/decisions/{draft.pk}/paragraphs/{paragraph.pk}/"
    sign_in_as(page, base, "officer")
    other_tab = page.context.new_page()
    page.goto(edit)
    other_tab.goto(edit)
    assert_fits_and_passes_axe(other_tab, "paragraph edit page")
    page.get_by_label("Paragraph 2.1").fill("Saved from the first tab.")
    page.get_by_role("button", name="Save").click()
    other_tab.get_by_label("Paragraph 2.1").fill("Typed in the second tab.")
    other_tab.get_by_role("button", name="Save").click()
    shown = main_text(other_tab)
    assert "Paragraph 2.1 changed after you opened this page." in shown
    assert "You saved a different version in another tab or window on" in shown
    assert "Saved from the first tab." in shown  # the saved version, in the banner
    assert other_tab.get_by_label("Your version").input_value() == "Typed in the second tab."
    assert "Someone else" not in shown
    assert_fits_and_passes_axe(other_tab, "conflict page")
    other_tab.get_by_role("button", name="Save").click()
    assert "Paragraph 2.1 saved." in main_text(other_tab)
    paragraph.refresh_from_db()
    assert paragraph.text == "Typed in the second tab."


def test_the_history_page_is_in_words_for_people(page, live_demo):
    base = live_demo.url
    page.set_default_timeout(5000)
    pcd_1620 = Decision.objects.by_reference("PCD", 1620).get()
    sign_in_as(page, base, "dmpc")
    page.goto(f"{base}/work/decisions/{pcd_1620.pk}/history/")
    shown = main_text(page)
    for word in RAW_WORDS:
        assert word not in shown, word
    assert not ISO_TIMESTAMP.search(shown)
    assert not re.search(r"\b[0-9a-f]{64}\b", shown)
    assert "PCD 1620 · Approved" in shown
    assert "The content has not changed since it was approved." in shown
    assert "Deputy Mayor for Policing and Crime, signed it on" in shown
    # Values are not underlined like links.
    decorations = page.locator(".dr-diff dd").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c).textDecorationLine)"
    )
    assert decorations and set(decorations) == {"none"}
    assert_fits_and_passes_axe(page, "history page of PCD 1620")


def test_history_shows_a_text_edit_word_by_word(page, live_demo, draft):
    base = live_demo.url
    page.set_default_timeout(5000)
    officer = User.objects.get(username="officer")
    paragraph = paragraph_add(
        user=officer, decision=draft, section_kind=2, text="The grant runs for one year."
    )
    long_word = "Supercalifragilistic" * 8  # must wrap, not widen the page
    paragraph_update(
        user=officer,
        paragraph=paragraph,
        text=f"The grant runs for two years. {long_word}",
        expected_version=1,
    )
    sign_in_as(page, base, "officer")
    page.goto(f"{base}/work/decisions/{draft.pk}/history/")
    assert main_text(page).startswith("Draft History")
    deleted = page.locator(".dr-diff del").all_inner_texts()
    inserted = page.locator(".dr-diff ins").all_inner_texts()
    assert any("one year." in text for text in deleted)
    assert any("two years." in text for text in inserted)
    # Told apart without colour: struck through, and bold.
    styles = page.locator(".dr-diff del").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    weight = page.locator(".dr-diff ins").first.evaluate("e => getComputedStyle(e).fontWeight")
    assert styles == "line-through" and int(weight) >= 700
    assert_fits_and_passes_axe(page, "history page of a draft with an edit")
