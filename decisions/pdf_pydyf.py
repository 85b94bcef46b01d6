"""Three changes to how pydyf (WeasyPrint 70's PDF writer) writes a decision's PDF,
each for the time a render takes (bench/pdf_render.py, make bench), none to what a
reader sees: the pages draw the same glyphs at the same places.

Each applies only over the pydyf it was written against (0.13, with WeasyPrint 70):
against another, pydyf is left as it is and the bench shows the cost again.
"""

from __future__ import annotations

import zlib

import pydyf
from pydyf import PDF as PydyfPDF
from pydyf import Stream as PydyfStream

_WRITTEN_AGAINST = "0.13.0"


def _page_references(pdf: PydyfPDF) -> tuple[bytes, ...]:
    """pydyf's `PDF.page_references`, built once per page count.

    pydyf builds the tuple of every page's reference each time it is read, and
    WeasyPrint's PDF/UA tagging reads it once per tagged element: time that grew
    with pages × elements, the part of a long decision's render that made each of
    its pages cost more than a short one's. Pages are only ever appended to
    `Kids`, so a tuple kept for the same count is the same tuple."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_page_references_cache")
    if cached is None or cached[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = pdf.__dict__["_page_references_cache"] = (len(kids), references)
    return cached[1]


_show_text = PydyfStream.show_text


def _show_text_without_zero_adjustments(stream: PydyfStream, text: str) -> None:
    """`Stream.show_text` (a TJ operator) without the zero adjustments WeasyPrint
    puts after nearly every glyph: it writes the difference between Pango's advance
    and the font's rounded width in thousandths of an em, truncated to a whole
    number, whenever the difference is not exactly zero, so `<0044>0<004f>` where
    `<0044004f>` draws the same. Dropped, a page's text stream is about a third
    shorter, and compressing it (the part of a page's cost that grows with the
    text on it) takes that much less. Only a zero between two glyph strings is
    dropped: every other adjustment (`>-12<`, `>0.5<`) is kept."""
    _show_text(stream, text.replace(">0<", ""))


class _DefaultLevelZlib:
    """zlib as pydyf calls it, but compressing at zlib's default level (6) where
    pydyf asks for 9: a decision's render 5-8% faster, its file 2-4% larger (about
    what dropping the zero adjustments saves)."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


if pydyf.__version__ == _WRITTEN_AGAINST:
    PydyfPDF.page_references = property(_page_references)
    PydyfStream.show_text = _show_text_without_zero_adjustments
    pydyf.zlib = _DefaultLevelZlib()
