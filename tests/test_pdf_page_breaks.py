"""Page breaks of the decision PDF (static/pdf/decision.css), read from the PDF's own
pages (pdftotext, page by page): a heading never ends a page apart from what it heads,
and the closing signatures never stand alone on a page."""

import re
import shutil
import subprocess

import pytest

from decisions.models import Decision, Paragraph
from decisions.pdf import decision_pdf_html, html_to_pdf
from decisions.selectors import decision_page, full_decision
from decisions.services import paragraph_add
from tests.factories import complete_draft, draft_decision
from tests.helpers import body_bytes

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)

DECLARATION_HEADING = "Originating officer declaration"
# The table's heading row, repeated at the top of each page the table runs on to.
TABLE_HEAD = "ORIGINATING OFFICER DECLARATION"
CLOSING_HEADING = "Chief Executive Officer"
# Headings of the form whose following block must share their page.
HEADINGS = {
    "Executive Summary:",
    "Recommendation:",
    "Recommendations:",
    "Public access to information",
    "Part 1 Deferral:",
    "Part 2 Confidentiality:",
    DECLARATION_HEADING,
    CLOSING_HEADING,
}
SECTION_HEADING = re.compile(r"^\d\. [A-Z]")
# The DRAFT watermark (an SVG drawn on each page of a draft) comes out of pdftotext as
# lines of its letters, anywhere on the page: they are no content of the page.
WATERMARK = re.compile(r"^[DRAFT]{1,5}$")


def pdf_pages(data: bytes, tmp_path) -> list[list[str]]:
    """Each page's non-blank lines, stripped, without its running footer."""
    path = tmp_path / "decision.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    pages = []
    for text in out.split("\f"):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not WATERMARK.match(line)]
        if lines:
            assert re.search(r"– page \d+ of \d+$", lines[-1]), lines[-1]
            pages.append(lines[:-1])
    return pages


def break_problems(pages: list[list[str]]) -> list[str]:
    """What the page breaks got wrong, page by page (empty when nothing)."""
    problems = []
    for number, lines in enumerate(pages, start=1):
        last = lines[-1]
        if last in HEADINGS or SECTION_HEADING.match(last):
            problems.append(f"page {number} ends with the heading {last!r}")
        if DECLARATION_HEADING in lines:
            after = lines[lines.index(DECLARATION_HEADING) + 1 :]
            if not any(line.startswith("Financial Advice:") for line in after):
                problems.append(f"page {number}: {DECLARATION_HEADING!r} without its first row")
        if lines[0].startswith("Is there a Part 2 form"):
            problems.append(f"page {number} starts with the Part 2 answer, apart from its question")
        # Other content before the closing box on its page (a repeated table head alone
        # does not count).
        content = [line for line in lines if not line.startswith(TABLE_HEAD)]
        if content and content[0] == CLOSING_HEADING:
            problems.append(f"page {number} holds the Chief Executive's box alone")
    return problems


def test_pcd_1620_pdf_keeps_headings_and_the_closing_box_with_their_content(
    client, pcd_1620, tmp_path
):
    pages = pdf_pages(body_bytes(client.get("/decisions/pcd-1620/pdf/")), tmp_path)
    assert break_problems(pages) == []
    declaration_page = next(p for p in pages if DECLARATION_HEADING in p)
    assert any(line.startswith("Financial Advice:") for line in declaration_page)
    closing_page = next(p for p in pages if CLOSING_HEADING in p)
    assert closing_page.index(CLOSING_HEADING) > 0
    # The box whole on its page: its statement and its signature together.
    assert "Signature: " + pcd_1620.sign_offs.get(role="chief_executive").signer_name in " ".join(
        closing_page
    )


FILLER = (
    "The service will be reviewed each quarter against the outcomes agreed with the "
    "local authorities, and the findings reported to the oversight board."
)


@pytest.mark.django_db
def test_a_long_decision_breaks_well_wherever_its_pages_end(officer, tmp_path):
    """A decision long enough for many pages, grown a paragraph at a time at the end
    of Part I so that the declarations and the closing box fall on every part of a
    page in turn: no rendering strands a heading or leaves the box alone."""
    decision = complete_draft(user=officer, title="A long decision")
    for kind in (1, 2, 3, 4, 8):
        for number in range(12):
            paragraph_add(
                user=officer,
                decision=decision,
                section_kind=kind,
                text=f"Point {number}. " + FILLER * (1 + number % 3),
            )
    seen_pages, problems = set(), []
    for step in range(8):
        for half in range(2):
            text = f"Paper {step}.{half}: {FILLER}"
            paragraph_add(user=officer, decision=decision, section_kind=9, text=text)
        full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
        pages = pdf_pages(
            html_to_pdf(decision_pdf_html(decision_page(full, links=[]), draft=True)), tmp_path
        )
        seen_pages.add(len(pages))
        problems += [f"step {step}: {problem}" for problem in break_problems(pages)]
    assert max(seen_pages) >= 6
    assert problems == []


# One line of the PDF's body text (12 of them fill its width, pdftotext shows).
LINE = "Words. " * 12


def _heading_page(pages: list[list[str]], heading: str) -> tuple[int, int]:
    """(the page the heading is on, how many lines follow it on that page)."""
    for number, lines in enumerate(pages):
        if heading in lines:
            return number, len(lines) - lines.index(heading) - 1
    raise AssertionError(f"{heading!r} is on no page")


@pytest.mark.django_db
def test_a_heading_walked_to_the_foot_of_a_page_goes_over_with_what_it_heads(officer, tmp_path):
    """The declaration's heading is moved down a line at a time (section 2's
    paragraph growing) until it goes over to the next page: at every step the table's
    first row is on its page. A line is less than the room the heading would leave
    stranded (the table's heading row and first row, which do not split), so without
    `break-after: avoid` on headings one of the steps ends a page with the heading."""
    decision = draft_decision(user=officer, title="Heading at the foot", summary="Summary.")
    paragraph_add(user=officer, decision=decision, section_kind=2, text=LINE)
    decision = complete_draft(user=officer, decision=decision)
    growing = Paragraph.objects.get(section__decision=decision, section__kind=2)

    def render(lines: int) -> list[list[str]]:
        Paragraph.objects.filter(pk=growing.pk).update(text=LINE * lines)
        full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
        html = decision_pdf_html(decision_page(full, links=[]), draft=False)
        return pdf_pages(html_to_pdf(html), tmp_path)

    start, below = _heading_page(render(1), DECLARATION_HEADING)
    # Near the foot of its page in one step, then a line at a time until it goes over.
    lines, steps = max(1, below - 4), []
    while len(steps) < 16:
        pages = render(lines)
        page, _ = _heading_page(pages, DECLARATION_HEADING)
        steps.append((lines, page))
        on_page = pages[page]
        assert on_page[-1] != DECLARATION_HEADING, f"{lines} lines: the heading ends a page"
        assert break_problems(pages) == [], (lines, break_problems(pages))
        if page > start:
            break
        lines += 1
    # The walk reached the foot of the page and went over (else it proved nothing).
    assert steps[-1][1] == start + 1 and len(steps) >= 2, steps
