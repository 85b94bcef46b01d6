"""Pasting a whole section in a real browser: the seed's section 2 as one block, and
Word-style bullets (issue 13, part 1)."""

import re
from pathlib import Path

import pytest

from decisions.models import Decision
from tests.accessibility import axe_violations
from tests.test_browser_drafting import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTION_2 = (
    Path(__file__).resolve().parent / "data" / "pcd-1620-paste" / "section-2.txt"
).read_text(encoding="utf-8")


def new_draft(page, base) -> str:
    sign_in(page, base)
    page.set_default_timeout(5000)
    page.get_by_role("button", name="Start a new decision").click()
    page.get_by_label("DMPC decision (PCD)").check()
    page.get_by_label("Title").fill("Pasted from Word")
    page.get_by_role("button", name="Create draft").click()
    return page.url


def open_box(page, overview: str, kind: int = 2) -> None:
    page.goto(overview)
    page.get_by_role("link", name=re.compile(rf"^{kind}\. ")).click()
    page.get_by_role("link", name="Paste or type the whole section").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Paste or type the whole section"


def demo_section_2() -> list[str]:
    demo = Decision.objects.by_reference("PCD", 1620).get()
    return list(
        demo.sections.get(kind=2).paragraphs.order_by("position").values_list("text", flat=True)
    )


def test_the_seed_section_2_pasted_as_one_block_gives_the_demos_eight_paragraphs(page, live_demo):
    base = live_demo.url
    overview = new_draft(page, base)
    open_box(page, overview)
    assert axe_violations(page) == [], "the box"
    page.get_by_label("The whole section").fill(SECTION_2)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check how the text was split"
    assert "8 paragraphs, numbered 2.1 to 2.8." in page.inner_text("main")
    numbers = page.locator("#paste-preview .dr-paragraph__number").all_inner_texts()
    assert numbers == [f"2.{n}." for n in range(1, 9)]
    assert axe_violations(page) == [], "the check page"

    # Back to the box: the text is there as pasted.
    page.get_by_role("button", name="Change the text").click()
    assert page.get_by_label("The whole section").input_value() == SECTION_2
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save these 8 paragraphs").click()

    assert "Saved section 2: 8 paragraphs." in page.inner_text("main")
    shown = page.locator(".dr-item .dr-paragraph__number").all_inner_texts()
    assert shown == [f"2.{n}." for n in range(1, 9)]
    draft = Decision.objects.get(title="Pasted from Word")
    saved = list(
        draft.sections.get(kind=2).paragraphs.order_by("position").values_list("text", flat=True)
    )
    assert saved == demo_section_2()
    assert len(saved) == 8


def test_word_bullets_pasted_become_a_list(page, live_demo):
    base = live_demo.url
    overview = new_draft(page, base)
    open_box(page, overview)
    page.get_by_label("The whole section").fill(
        "2.1\tThe contract will fund activities to:\r\n"
        "•\timprove awareness of support services;\r\n"
        "•\tsimplify pathways to support; and\r\n"
        "•\timprove information sharing.\r\n"
        "2.2\tMOPAC will sign off the final approach."
    )
    page.get_by_role("button", name="Continue").click()
    first = page.locator("#paste-preview > li").first
    assert first.locator("ul > li").all_inner_texts() == [
        "improve awareness of support services;",
        "simplify pathways to support; and",
        "improve information sharing.",
    ]
    page.get_by_role("button", name="Save these 2 paragraphs").click()
    item = page.locator(".dr-item").first
    assert item.locator(".dr-paragraph__number").inner_text() == "2.1."
    assert item.locator("ul.govuk-list--bullet > li").count() == 3
    draft = Decision.objects.get(title="Pasted from Word")
    assert draft.sections.get(kind=2).paragraphs.get(position=1).text == (
        "The contract will fund activities to:\n\n"
        "- improve awareness of support services;\n"
        "- simplify pathways to support; and\n"
        "- improve information sharing."
    )
