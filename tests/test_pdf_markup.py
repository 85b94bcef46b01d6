"""What the decision PDF is rendered from differs from the web page only where the
printed form needs it (templates/decisions/_decision_body.html, `pdf`)."""

import copy
import dataclasses
import re
import subprocess
from types import SimpleNamespace

import pytest

from decisions.models import Decision
from decisions.pdf import decision_pdf_html, render_decision_pdf
from decisions.selectors import decision_page, full_decision
from tests.factories import approved_decision


def test_paragraphs_have_ids_on_the_page_and_none_in_the_pdf(client, officer):
    # WeasyPrint makes every id an anchor and a named destination: a long decision's
    # paragraph ids cost its render time (issue 12). Links to a paragraph are the
    # web page's, so the page keeps them.
    decision = approved_decision(user=officer, number=61)
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    paragraphs = [p for s in full.sections.all() for p in s.paragraphs.all()]
    assert paragraphs

    html = decision_pdf_html(decision_page(full, links=[]), draft=False)
    assert html.count('class="dr-paragraph__number"') == len(paragraphs)
    assert 'id="paragraph-' not in html
    # Nor a box around each paragraph and its text (see the next test).
    assert 'class="dr-paragraph"' not in html and "dr-paragraph__text" not in html

    page = client.get(decision.get_absolute_url()).content.decode()
    assert page.count('class="dr-paragraph"') == len(paragraphs)
    for p in paragraphs:
        assert f'id="paragraph-{p.section.kind}-{p.position}"' in page


# Officers' text of every kind markdown makes, each block starting with a word found
# nowhere else in the decision.
RICH_TEXTS = [
    "Kestrel opening words.\n\nHeron, a second paragraph of the same numbered paragraph.",
    "Plover first.\n\n- Dunlin bullet\n- another bullet",
    "(a) Godwit, a lettered item long enough to wrap onto a second line of the printed "
    "form, so that its hanging indent shows;\n(b) second item\n\nRedshank closing words.",
    "| Avocet year | Amount and what it is for |\n|---|---|\n| 2025/26 | "
    + "Turnstone, words enough to wrap in the second column of the table " * 3
    + "|",
    "1. Whimbrel numbered\n2. numbered two\n\n   Greenshank, a loose paragraph",
    "# Sandpiper heading the officer did not mean\n\nKnot words after it.",
    "    Stint, a line indented as pasted from Word\n    and its next line",
]
POINTS_PER_MM = 72 / 25.4
A4_WIDTH = 210 * POINTS_PER_MM


def _words(content: bytes, tmp_path) -> list[tuple[float, float, str]]:
    """(left, right, word) of every word drawn, in points, by poppler's pdftotext."""
    path = tmp_path / "decision.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(left), float(right), word) for left, right, word in re.findall(pattern, out)]


def test_a_paragraphs_text_is_indented_beside_its_number_and_the_sections_blocks_are_not(
    pcd_1406, tmp_path
):
    """The printed form's numbers column: every block of a paragraph's text starts
    12 mm right of its number, within the page; the section's own blocks (the funding
    source under the budget, the list of appendices) start at the numbers."""
    # PCD 1406: a budget, with its funding source under the table.
    page = decision_page(full_decision(Decision.objects.filter(pk=pcd_1406.pk)).get(), links=[])
    sections = list(page.decision.sections.all())
    paragraphs = [p for section in sections for p in section.paragraphs.all()]
    assert len(paragraphs) >= len(RICH_TEXTS)
    for paragraph, text in zip(paragraphs, RICH_TEXTS, strict=False):
        paragraph.text = text  # in memory only
    # A paragraph before the appendices, so their list follows a number too.
    last = sections[-1]
    background = copy.copy(sections[0].paragraphs.all()[0])
    background.pk = background.id = None
    background.text = "Curlew background paper."
    last.paragraphs.all()._result_cache = [background]
    appendix = SimpleNamespace(title="Sanderling appendix", file=None)
    page = dataclasses.replace(page, published_appendices=[appendix])

    words = _words(render_decision_pdf(page, draft=False), tmp_path)
    left = {}
    for x, _, word in words:
        left.setdefault(word.strip(",.;:"), x)
    numbers = left["1.1"]
    text = numbers + 12 * POINTS_PER_MM
    for word in (
        "Kestrel",
        "Heron",
        "Plover",
        "(a)",
        "Redshank",
        "Curlew",
        "Sandpiper",
        "Knot",
        "Stint",
    ):
        assert left[word] == pytest.approx(text, abs=0.5), word
    # Lists and tables indent their items and cells further, from the text's edge.
    for word in ("Dunlin", "Avocet", "Whimbrel", "Greenshank"):
        assert text < left[word] < text + 20 * POINTS_PER_MM, word
    for word in ("Funding", "Sanderling"):
        assert left[word] == pytest.approx(numbers, abs=0.5), word
    # Nothing runs past the right margin (the page's, less the body's as on the left).
    right_edge = A4_WIDTH - 18 * POINTS_PER_MM - (numbers - 18 * POINTS_PER_MM)
    assert max(right for _, right, _ in words) <= right_edge + 0.5
