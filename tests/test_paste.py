"""Splitting a whole section pasted from Word into its paragraphs (decisions/paste.py).

The PCD 1620 samples in tests/data/pcd-1620-paste/ are the seed form's sections copied
verbatim (Word's "- 2.1." list markers, page breaks, the copied budget table); the
expected paragraphs are the demo PCD 1620's, as `manage.py load_demo` loads them.
"""

import re
from pathlib import Path

import pytest

from core.text import render_markdown
from decisions.paste import PastedParagraph, paragraphs_from_pasted_text
from demo import pcd_1620

SAMPLES = Path(__file__).resolve().parent / "data" / "pcd-1620-paste"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "pcd-1620.txt"


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def split(text: str, section_number: int | None = 2) -> list[PastedParagraph]:
    return paragraphs_from_pasted_text(text, section_number=section_number)


def texts(text: str, section_number: int | None = 2) -> list[str]:
    return [p.text for p in split(text, section_number)]


def as_word_pastes(text: str) -> str:
    """The sample as Word puts it on the clipboard: CR LF, a tab after each number."""
    text = re.sub(r"^- (\d+(?:\.\d+)*\.) ", "\\1\t", text, flags=re.MULTILINE)
    return text.replace("\n", "\r\n")


def test_seed_section_2_gives_the_demo_paragraphs_2_1_to_2_8():
    paragraphs = split(sample("section-2"), 2)
    assert [p.text for p in paragraphs] == pcd_1620.SECTIONS[2]
    assert [p.number for p in paragraphs] == [f"2.{n}" for n in range(1, 9)]


def test_seed_section_2_as_word_pastes_it_gives_the_same_paragraphs():
    assert "\t" in as_word_pastes(sample("section-2"))
    assert texts(as_word_pastes(sample("section-2")), 2) == pcd_1620.SECTIONS[2]


@pytest.mark.parametrize("number", [1, 2, 4, 5, 6, 7, 8])
def test_every_seed_section_gives_the_demo_paragraphs(number):
    assert texts(sample(f"section-{number}"), number) == pcd_1620.SECTIONS[number]


def test_a_paragraph_broken_by_a_page_break_joins_up_again():
    # 8.4 runs over a page: "…remains a" / blank / "- significant problem…".
    paragraphs = split(sample("section-8"), 8)
    assert paragraphs[3].number == "8.4"
    assert "criminality remains a significant problem in London" in paragraphs[3].text
    assert len(paragraphs) == 10


def test_a_lettered_item_broken_by_a_page_break_joins_up_and_stays_lettered():
    text = split(sample("section-5"), 5)[1].text
    assert "(a) the contract establishes" in text
    assert "with the aim of ensuring that public services they have to perform" in text
    assert "\n(b) the implementation" in text
    assert text.endswith(
        "(see section 2.7).\n\nA transparency notice will be published in accordance with best "
        "practice."
    )


def test_a_new_sentence_after_a_blank_line_is_not_joined():
    paragraphs = split("2.1 It ends here\n\nThe next part starts a new paragraph.\n2.2 Next.", 2)
    assert paragraphs[0].text == "It ends here\n\nThe next part starts a new paragraph."


def test_the_copied_budget_table_becomes_a_table_in_its_paragraph():
    paragraphs = split(sample("section-3"), 3)
    assert [p.number for p in paragraphs] == ["3.1", "3.2", "3.3"]
    assert paragraphs[0].text == pcd_1620.SECTIONS[3][0]
    assert paragraphs[1].text.startswith(pcd_1620.SECTIONS[3][1] + "\n\n| Proposed | 2024/25 |")
    html = render_markdown(paragraphs[1].text)
    assert "<table" in html and "£1,800,000</td>" in html
    assert paragraphs[2].text == pcd_1620.SECTIONS[3][2]


def test_seed_recommendations_split_on_1_and_2():
    paragraphs = split(sample("recommendations"), None)
    assert [p.text for p in paragraphs] == pcd_1620.RECOMMENDATIONS
    assert [p.number for p in paragraphs] == ["1", "2"]


@pytest.mark.parametrize(
    "text",
    [
        "2.1 First.\n2.2 Second.",
        "2.1. First.\n2.2. Second.",
        "2.1) First.\n2.2) Second.",
        "2.1\tFirst.\r\n2.2\tSecond.\r\n",
        "- 2.1. First.\n- 2.2. Second.",
        "•\t2.1.\tFirst.\n•\t2.2.\tSecond.",
        "2.1.\u00a0First.\n2.2.\u00a0\u00a0Second.",
    ],
)
def test_each_way_of_typing_the_numbers_splits_and_drops_them(text):
    assert split(text, 2) == [PastedParagraph("First.", "2.1"), PastedParagraph("Second.", "2.2")]


def test_recommendations_typed_with_1_and_1_bracket():
    assert texts("1. Agree it.\n2) Delegate it.\n3.\tNote it.", None) == [
        "Agree it.",
        "Delegate it.",
        "Note it.",
    ]


def test_numbers_of_another_section_are_used_when_none_of_this_one_are_there():
    assert [p.number for p in split("3.1. First.\n3.2. Second.", 2)] == ["3.1", "3.2"]


def test_a_number_inside_a_wrapped_line_does_not_start_a_paragraph():
    paragraphs = split("2.1 See section\n2.4 to 2.7 of this decision.\n2.2 Next.", 2)
    assert [p.number for p in paragraphs] == ["2.1", "2.2"]
    assert paragraphs[0].text == "See section 2.4 to 2.7 of this decision."


def test_blank_lines_split_paragraphs_when_nothing_is_numbered():
    text = "The first paragraph\nwraps over two lines.\n\n\nThe second one.\n\nThe third."
    assert split(text, 2) == [
        PastedParagraph("The first paragraph wraps over two lines.", None),
        PastedParagraph("The second one.", None),
        PastedParagraph("The third.", None),
    ]


def test_each_line_is_a_paragraph_when_word_pastes_them_without_blank_lines():
    text = "The first paragraph.\r\nThe second one wraps\r\nhere.\r\nThe third."
    assert texts(text, 2) == ["The first paragraph.", "The second one wraps here.", "The third."]


def test_line_breaks_inside_a_paragraph_are_joined():
    text = (
        "2.1 The service will run\nin parallel with the\nviolence and exploitation service.\n2.2 X."
    )
    assert texts(text, 2)[0] == (
        "The service will run in parallel with the violence and exploitation service."
    )


def test_word_bullets_become_a_list():
    text = (
        "2.1\tThe contract will fund activities to:\r\n"
        "•\timprove awareness of support services;\r\n"
        "•\tsimplify pathways to support; and\r\n"
        "•\timprove information sharing.\r\n"
        "2.2\tNext."
    )
    first = split(text, 2)[0].text
    assert first == (
        "The contract will fund activities to:\n\n"
        "- improve awareness of support services;\n"
        "- simplify pathways to support; and\n"
        "- improve information sharing."
    )
    html = render_markdown(first)
    assert html.count("<li>") == 3 and '<ul class="govuk-list govuk-list--bullet">' in html


@pytest.mark.parametrize("bullet", ["•", "-", "–", "*", "\uf0b7", "o"])
def test_each_bullet_character_makes_a_list(bullet):
    text = f"2.1 Intro:\n{bullet}\tone\n{bullet} two"
    assert split(text, 2)[0].text == "Intro:\n\n- one\n- two"


def test_word_second_level_o_bullets_nest_under_the_bullet_before():
    text = "2.1 Intro:\n•\tone\no\tone point one\n•\ttwo"
    assert split(text, 2)[0].text == "Intro:\n\n- one\n  - one point one\n- two"


def test_a_wrapped_bullet_line_joins_its_item():
    text = "2.1 Intro:\n• a long item that\nwraps\n• two"
    assert split(text, 2)[0].text == "Intro:\n\n- a long item that wraps\n- two"


def test_lettered_items_stay_lettered_lines():
    text = (
        "2.1 The conditions are:\n(a) the first;\nb) the second; and\n- (c) the third.\n2.2 Next."
    )
    first = split(text, 2)[0].text
    assert first == "The conditions are:\n\n(a) the first;\n(b) the second; and\n(c) the third."
    assert 'class="dr-alpha-list"' in render_markdown(first)


def test_a_sentence_after_a_list_is_its_own_block():
    text = "2.1 Intro:\n(a) one;\n(b) two.\nA closing sentence."
    assert split(text, 2)[0].text == "Intro:\n\n(a) one;\n(b) two.\n\nA closing sentence."


def test_single_numbers_inside_a_numbered_section_are_a_numbered_list():
    text = "2.1 The steps:\n1. agree the plan\n2. sign the contract\n2.2 Next."
    assert texts(text, 2) == ["The steps:\n\n1. agree the plan\n2. sign the contract", "Next."]


def test_word_characters_are_tidied_and_smart_quotes_kept():
    text = (
        "2.1.\u00a0MOPAC\u2019s \u201cduty\u201d\u200b to co\u00adoperate\u2009\u2013 as typed.\r\n"
    )
    assert texts(text, 2) == ["MOPAC\u2019s \u201cduty\u201d to cooperate \u2013 as typed."]


def test_text_before_the_first_number_is_kept_as_its_own_paragraph():
    assert split("Some words first.\n2.1 First.", 2) == [
        PastedParagraph("Some words first.", None),
        PastedParagraph("First.", "2.1"),
    ]


@pytest.mark.parametrize("text", ["", "   \r\n\t\n\u00a0"])
def test_nothing_typed_gives_no_paragraphs(text):
    assert split(text, 2) == []


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is not beside this checkout")
def test_the_samples_are_the_seed_verbatim():
    seed = SEED.read_text(encoding="utf-8")
    for path in SAMPLES.glob("*.txt"):
        assert path.read_text(encoding="utf-8").strip("\n") in seed, path.name


@pytest.mark.parametrize("number", range(1, 9))
def test_a_saved_section_in_the_box_splits_back_to_the_same_paragraphs(number):
    # The box holds a saved section as "2.1. text" blocks (views/paste.py box_text).
    paragraphs = [*pcd_1620.SECTIONS[number], "Intro:\n\n| A | B |\n| --- | --- |\n| 1 | 2 |"]
    paragraphs.append("Steps:\n\n- one\n  - one point one\n- two\n\nAfter the list.")
    box = "\n\n".join(f"{number}.{n}. {text}" for n, text in enumerate(paragraphs, start=1))
    assert texts(box, number) == paragraphs


def test_the_recommendations_in_the_box_split_back_to_the_same():
    box = "\n\n".join(f"{n}. {text}" for n, text in enumerate(pcd_1620.RECOMMENDATIONS, start=1))
    assert texts(box, None) == pcd_1620.RECOMMENDATIONS
