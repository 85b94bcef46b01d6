"""decisions/pdf_glyphs.py draws a line's glyphs faster than WeasyPrint's own
`draw_first_line`, and writes exactly what it writes: a PDF rendered with either is
the same file, byte for byte. Lines it is not written for are WeasyPrint's."""

import pytest
import weasyprint
from weasyprint.draw import text as weasyprint_text

from decisions import pdf, pdf_glyphs
from decisions.selectors import decision_page, decision_public_links, full_decision

# Everything a line of text can hold that changes how its glyphs are written: fonts
# and sizes in one line, adjustments (kerning, letter, word and justification
# spacing), ligatures, right-to-left text, marks placed on a letter, a soft hyphen, a
# glyph no font has, a tab, superscripts, an ellipsis.
HTML = """<!doctype html><html lang="en"><head><title>Glyphs</title><style>
.spaced { letter-spacing: 0.12em; word-spacing: 4px; }
.justified { text-align: justify; width: 60mm; }
.cut { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 40mm; }
.super { font-variant-position: super; }
td { border: 1px solid; padding: 2px; }
</style></head><body>
<h1>Financial Comments – <small>PCD 1620</small></h1>
<p>The Mayor's Office for Policing And Crime (MOPAC) approves <b>£1,800,000</b> of the
<i>Violence Reduction Unit's</i> 2025/26 budget: "AVAWAY" kerning, ﬁnal office
ligatures, 12½% and — dashes — <a href="https://example.org/">a link</a>.</p>
<p class="spaced">Letter and word spacing on every glyph of this line.</p>
<p class="justified">Justified text stretches the spaces of every line but the last
one of this paragraph, which is long enough to wrap several times in sixty millimetres.</p>
<p>Right to left: שלום עולם, and back. Marks: Zoe\u0308 cafe\u0301, and
marks no letter has a glyph for, raised or lowered: q\u0307 x\u0323\u0301.</p>
<p>A soft hyphen breaks extra\u00adordinarily\u00adlong\u00adwords at a line's end
when the rest of this line has filled it up to the margin extra\u00adordinarily.</p>
<p>No font draws \ue000 or \U0001fae8, so these are missing glyphs.</p>
<pre>Tab\tseparated\tcolumns</pre>
<p>H<sub>2</sub>O, x<sup>2</sup>, and <span class="super">superscript by feature</span>.</p>
<div class="cut">An ellipsis ends this line of text that is far too long for its box.</div>
<table><tr><td>Cell</td><td>£1,800,000</td></tr><tr><td>Total</td><td>£17.2m</td></tr></table>
</body></html>"""


@pytest.fixture(autouse=True)
def _render_each_distinct_pdf_once():
    """Every render here is real: each HTML is rendered twice, once each way."""


@pytest.fixture
def drawn(monkeypatch):
    """Lines drawn here and lines left to WeasyPrint's own function, counted."""
    counts = {"lines": 0, "weasyprint": 0}
    ours, theirs = pdf_glyphs.draw_first_line, pdf_glyphs._weasyprint_draw_first_line

    def counted_ours(*args):
        counts["lines"] += 1
        return ours(*args)

    def counted_theirs(*args):
        counts["weasyprint"] += 1
        return theirs(*args)

    monkeypatch.setattr(weasyprint_text, "draw_first_line", counted_ours)
    monkeypatch.setattr(pdf_glyphs, "_weasyprint_draw_first_line", counted_theirs)
    return counts


def _weasyprints_own(html: str, monkeypatch) -> bytes:
    with monkeypatch.context() as patched:
        patched.setattr(weasyprint_text, "draw_first_line", pdf_glyphs._weasyprint_draw_first_line)
        return pdf.html_to_pdf(html)


def test_the_module_is_in_use_over_the_weasyprint_it_was_written_for():
    assert weasyprint.__version__ == pdf_glyphs._WRITTEN_AGAINST
    assert weasyprint_text.draw_first_line is pdf_glyphs.draw_first_line


def test_every_kind_of_line_is_written_as_weasyprint_writes_it(drawn, monkeypatch):
    expected = _weasyprints_own(HTML, monkeypatch)
    drawn["weasyprint"] = 0

    assert pdf.html_to_pdf(HTML) == expected
    # Most lines drawn here; those with an ellipsis, a missing glyph, a raised one
    # (a mark), an empty one (a soft hyphen, a tab) left to WeasyPrint.
    assert drawn["lines"] > 20
    assert 5 <= drawn["weasyprint"] < drawn["lines"] / 3


@pytest.mark.django_db
def test_a_decision_pdf_is_the_same_file_and_every_line_is_drawn_here(pcd_1620, drawn, monkeypatch):
    decision = full_decision(type(pcd_1620).objects.filter(pk=pcd_1620.pk)).get()
    page = decision_page(decision, links=decision_public_links(decision))
    for draft in (False, True):
        html = pdf.decision_pdf_html(page, draft=draft)
        expected = _weasyprints_own(html, monkeypatch)
        drawn.update(lines=0, weasyprint=0)

        assert pdf.html_to_pdf(html) == expected
        assert drawn["lines"] > 200
        assert drawn["weasyprint"] == 0
