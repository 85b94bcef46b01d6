"""What decisions/pdf_pydyf.py changes in pydyf makes renders cheaper, never the
pages: the same glyphs at the same places, the same streams once inflated."""

import contextlib
import re
import shutil
import subprocess
import zlib

import pydyf
import pytest

from decisions import pdf
from decisions.pdf_pydyf import _show_text

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)

HTML = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<h1>Financial Comments</h1>
<p>The Mayor's Office for Policing And Crime (MOPAC) approves £1,800,000 of the
Violence Reduction Unit's 2025/26 budget for a direct award, "AVAWAY" kerning pairs,
ﬁ ligatures, 12½% and — dashes — so that most glyph pairs of Liberation Sans meet.</p>
<ol><li>Wrap this line over several lines of the page so that Pango breaks it, and
WeasyPrint writes one text operator a line, many of them with adjustments.</li></ol>
</body></html>"""


def test_page_references_are_those_pydyf_builds():
    document = pydyf.PDF()
    for _ in range(5):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in document.pages["Kids"][::3])
        assert document.page_references == expected


def test_only_zero_adjustments_are_dropped_from_a_text_operator():
    stream = pydyf.Stream()
    stream.show_text("<0044>0<004f>-12<0050>0.5<0051>10<0052>0<0053>")
    assert stream.stream == [b"[<0044004f>-12<0050>0.5<0051>10<00520053>] TJ"]


def test_streams_are_compressed_at_zlib_default_level():
    data = b"BT /F1 14 Tf [<0044004f>-12<0050>] TJ ET\n" * 200
    stream = pydyf.Stream([data], compress=True).data
    compressed = stream.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(compressed) == data
    assert compressed == zlib.compress(data, zlib.Z_DEFAULT_COMPRESSION)


def _word_boxes(content: bytes, tmp_path, name: str) -> list[str]:
    """Each word with its box, to a thousandth of a point, as poppler reads them."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
    )
    return [line.strip() for line in out.stdout.splitlines() if "<word " in line]


def _zero_adjustments(content: bytes) -> int:
    found = 0
    for start in re.finditer(rb"(?<!end)stream\n", content):
        data = content[start.end() : content.index(b"endstream", start.end())]
        with contextlib.suppress(zlib.error):
            found += zlib.decompress(data).count(b">0<")
    return found


@needs_poppler
def test_every_word_is_where_pydyf_unchanged_puts_it(tmp_path, monkeypatch):
    # (Titled apart: the tests render each distinct HTML once; the title is not on
    # the page.)
    rendered = pdf.html_to_pdf(HTML.format(title="Rendered"))
    monkeypatch.setattr(pydyf.Stream, "show_text", _show_text)
    monkeypatch.setattr(pydyf, "zlib", zlib)
    unchanged = pdf.html_to_pdf(HTML.format(title="Unchanged"))
    assert _zero_adjustments(rendered) == 0 < _zero_adjustments(unchanged)
    boxes = _word_boxes(rendered, tmp_path, "rendered")
    assert len(boxes) > 40
    assert boxes == _word_boxes(unchanged, tmp_path, "unchanged")
