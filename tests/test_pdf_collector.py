"""The PDF render pauses Python's cyclic garbage collector and collects what the
render left once at its end (core/collector.py, used by decisions/pdf.py): paused during
the render, restored after (also when the render fails, and left off if it was
off), and no WeasyPrint box or style of the document left alive in memory."""

from __future__ import annotations

import gc

import pytest
from weasyprint import HTML
from weasyprint.css import ComputedStyle
from weasyprint.formatting_structure.boxes import Box

from core.collector import collector_paused

# Imported before the suite's fixture swaps it for a cache of renders: these tests
# watch the render itself.
from decisions.pdf import html_to_pdf

HTML_TEXT = "<html lang='en'><head><title>T</title></head><body>{}</body></html>"


def _document(paragraphs: int) -> str:
    return HTML_TEXT.format(
        "".join(f"<p>Paragraph {n} of the decision.</p>" for n in range(paragraphs))
    )


def _weasyprint_objects() -> int:
    # By type, not isinstance: isinstance on a dead weak proxy raises ReferenceError.
    return sum(issubclass(type(o), Box | ComputedStyle) for o in gc.get_objects())


@pytest.fixture
def collector_seen(monkeypatch):
    seen = []
    real = HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)
    return seen


def test_the_collector_is_paused_during_the_render_and_restored_after(collector_seen):
    assert gc.isenabled()
    html_to_pdf(_document(3))
    assert collector_seen == [False]
    assert gc.isenabled()


def test_the_collector_stays_off_if_it_was_off(collector_seen):
    gc.disable()
    try:
        html_to_pdf(_document(3))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert collector_seen == [False]


def test_the_collector_is_restored_when_the_render_fails(monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        html_to_pdf(_document(1))
    assert gc.isenabled()
    assert collector_paused.paused == 0


def test_nothing_of_the_document_is_left_in_memory_after_the_render():
    html_to_pdf(_document(1))  # warm up: stylesheet, fonts
    gc.collect()
    before = _weasyprint_objects()
    html_to_pdf(_document(200))
    # The render's boxes and styles (all in reference cycles) were collected at
    # its end, without waiting for the collector's next automatic pass.
    assert _weasyprint_objects() == before


def test_the_render_is_collected_in_one_pass_at_its_end():
    html_to_pdf(_document(1))  # warm up: stylesheet, fonts
    collections = []

    def watch(phase, info):
        if phase == "stop":
            collections.append((info["generation"], info["collected"]))

    gc.callbacks.append(watch)
    try:
        html_to_pdf(_document(150))
    finally:
        gc.callbacks.remove(watch)
    # None while the document is laid out and written; then one of the youngest
    # generation, which finds the document's objects (reference cycles).
    assert len(collections) == 1
    generation, collected = collections[0]
    assert generation == 0
    assert collected > 150
