"""WeasyPrint 70's `draw_first_line` (the text operator of one laid-out line), with its
loop over the line's glyphs reading them from Pango's array at once rather than one
C field at a time: the same operators, byte for byte, in less time.

Why: drawing is the part of a render whose cost follows the text on a page (a line
at a time, a glyph at a time; bench/pdf_render.py, make bench). WeasyPrint reads each
glyph's four numbers as four cffi attribute lookups and formats its text operator
piece by piece; here a run's glyphs are read as one array of integers, and what a
glyph writes (its number, its offset, its adjustment) is worked out once per font,
size and advance, then looked up. Drawing the 19-page decision of the bench: 82 to
33 ms; a render of PCD 1620 or of the long decision 7-10% faster.

Only the lines this is written for are drawn here: outline fonts (no bitmap or
colour glyphs), no ellipsis, no glyph raised or lowered, no missing or empty glyph.
Any other line (an emoji, a combining mark placed above a letter, a soft hyphen, a
tab, a character no font has) is left to WeasyPrint's own function, which is also
what runs when WeasyPrint is not the version this was written against.
"""

from __future__ import annotations

import weakref
from array import array

import weasyprint
from weasyprint.draw import text as weasyprint_text
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

_WRITTEN_AGAINST = "70.0"

_weasyprint_draw_first_line = weasyprint_text.draw_first_line

# PangoGlyphInfo: the glyph, its geometry (width, x offset, y offset) and its visual
# attributes, each 32 bits: read as integers, glyph i is ints[5i : 5i + 5].
_INTS_PER_GLYPH = ffi.sizeof("PangoGlyphInfo") // array("i").itemsize
_GLYPH_BYTES = ffi.sizeof("PangoGlyphInfo")
# Glyph numbers from here up are Pango's empty glyph and its unknown-glyph flag.
_FIRST_SPECIAL_GLYPH = min(pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG)
# WeasyPrint's workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
_FONT_SIZE_FROM_STYLE = pango.pango_version() < 14802


def _plain_runs(stream, first_line) -> list | None:
    """The line's runs as (glyph item, Pango font, font, font size, glyphs, widths,
    x offsets), or None if any of them needs WeasyPrint's own drawing. A run in the
    font of the run before shares its font (WeasyPrint asks for it only when the
    font changes)."""
    runs = []
    pango_font = font = font_size = None
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        if glyph_item.item.analysis.font != pango_font:
            pango_font = glyph_item.item.analysis.font
            font, font_size = stream.add_font(pango_font)
        if font.bitmap or font.svg or font.png or font.colr:
            return None
        ints = array("i")
        ints.frombytes(ffi.buffer(glyph_string.glyphs, count * _GLYPH_BYTES))
        glyphs = ints[0::_INTS_PER_GLYPH]
        raised = any(ints[3::_INTS_PER_GLYPH])
        # (Read as signed: Pango's invalid-input glyph, 0xFFFFFFFF, is below 0.)
        if raised or (glyphs and not 0 <= min(glyphs) <= max(glyphs) < _FIRST_SPECIAL_GLYPH):
            return None
        widths, x_offsets = ints[1::_INTS_PER_GLYPH], ints[2::_INTS_PER_GLYPH]
        runs.append((glyph_item, pango_font, font, font_size, glyphs, widths, x_offsets))
    return runs


def _unicode_of(glyph_item, index: int, count: int, utf8_text: bytes) -> str:
    """The text a glyph draws, for the font's ToUnicode map (as WeasyPrint works it
    out: from the glyph's cluster to the next one)."""
    clusters = glyph_item.glyphs.log_clusters
    offset = glyph_item.item.offset
    start = clusters[index]
    if glyph_item.item.analysis.level % 2:  # right to left
        end = glyph_item.item.length if index == 0 else clusters[index - 1]
    else:
        end = glyph_item.item.length if index == count - 1 else clusters[index + 1]
    return utf8_text[offset + start : offset + end].decode()


def _glyph_text(stream, pango_font, font, font_size: float, key: tuple[int, int, int]) -> str:
    """What WeasyPrint writes for one glyph: its offset, its number, and the
    difference between its advance on the line and its width in the font (kerning,
    word and letter spacing), in the same expressions, so the same numbers."""
    glyph_id, width, x_offset = key
    offset = x_offset / font_size
    text = f">{-offset}<{glyph_id:04x}" if offset else f"{glyph_id:04x}"
    logical_width = font.widths.get(glyph_id)
    if logical_width is None:
        extents = (stream.ink_rect, stream.logical_rect)
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, *extents)
        logical_width = font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size
        )
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    return f"{text}>{int(kerning)}<" if kerning else text


# A font's glyphs as written, by size, then by (glyph, advance, offset): a page of
# text is a few hundred of them, each written thousands of times. Per font of one
# render (WeasyPrint's fonts belong to the document being written).
_glyph_texts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _run_text(
    stream, textbox, glyph_item, pango_font, font, font_size, glyphs, widths, x_offsets
) -> str:
    """One run's glyphs as WeasyPrint writes them, from `<` on."""
    to_unicode = font.to_unicode
    if not to_unicode.keys() >= set(glyphs):
        # New glyphs for the font's ToUnicode map, in the order WeasyPrint adds them.
        utf8_text = textbox.pango_layout.text.encode()
        for index, glyph_id in enumerate(glyphs):
            if glyph_id not in to_unicode:
                to_unicode[glyph_id] = _unicode_of(glyph_item, index, len(glyphs), utf8_text)
    texts = _glyph_texts.setdefault(font, {}).setdefault(font_size, {})
    keys = list(zip(glyphs, widths, x_offsets, strict=True))
    try:
        written = list(map(texts.__getitem__, keys))
    except KeyError:
        for key in keys:  # in order: the font's widths are added as WeasyPrint adds them
            if key not in texts:
                texts[key] = _glyph_text(stream, pango_font, font, font_size, key)
        written = list(map(texts.__getitem__, keys))
    text = "<" + "".join(written)
    # Closed as WeasyPrint closes it: if the last thing written opened a glyph list
    # (no glyphs, or an adjustment after the last one), that opening is taken back.
    return text[:-1] if text.endswith("<") else text + ">"


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """`weasyprint.draw.text.draw_first_line`: see the module's docstring."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return _weasyprint_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _ = textbox.pango_layout.get_first_line()
    runs = _plain_runs(stream, first_line)
    if runs is None:
        # Nothing written yet, and what was done (the layout's first line, the fonts
        # added to the stream) is what WeasyPrint's function does again.
        return _weasyprint_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)

    stream.set_text_matrix(*matrix.values)
    previous_font = None
    text = ""
    for glyph_item, pango_font, font, font_size, glyphs, widths, x_offsets in runs:
        if _FONT_SIZE_FROM_STYLE:
            font_size = textbox.style["font_size"]
        if pango_font != previous_font:
            previous_font = pango_font
            if text:
                stream.show_text(text)
            text = ""
            stream.set_font_size(font.hash, font_size)
        text += _run_text(
            stream, textbox, glyph_item, pango_font, font, font_size, glyphs, widths, x_offsets
        )
    stream.show_text(text)
    return []


if weasyprint.__version__ == _WRITTEN_AGAINST:
    weasyprint_text.draw_first_line = draw_first_line
