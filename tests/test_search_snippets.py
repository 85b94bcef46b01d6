"""Search snippets on the public list: PostgreSQL's ts_headline (SearchHeadline), with
matches in <mark> and everything else escaped; a plain extract where it is absent."""

from types import SimpleNamespace

import pytest

from decisions.selectors import published_decisions
from decisions.selectors.search import (
    SNIPPET_WINDOW,
    Filters,
    filter_published,
    search_snippet,
    with_snippets,
)
from tests.factories import approved_decision, draft_decision

BEFORE = " ".join(f"before{number}" for number in range(80))
AFTER = " ".join(f"after{number}" for number in range(80))


@pytest.fixture
def published(officer):
    summary = f"{BEFORE} The canal towpath < 2 miles & bridges need lighting. {AFTER}"
    decision = draft_decision(user=officer, title="Lighting scheme", summary=summary)
    return approved_decision(user=officer, decision=decision, number=41)


def test_the_headline_comes_from_postgresql(published):
    found = list(filter_published(published_decisions(), Filters(q="bridge lighting")))
    (found,) = with_snippets(found, "bridge lighting")
    # ts_headline's own output, matched on stems ("bridges", "lighting"), marked.
    assert "<mark>bridges</mark>" in found.search_snippet
    assert "<mark>lighting</mark>" in found.search_snippet


def test_the_list_shows_an_escaped_extract_with_the_matches_marked(client, published):
    body = client.get("/decisions/", {"q": "bridge"}).content.decode()
    snippet = body.split('class="govuk-body-s dr-snippet">')[1].split("</p>")[0]
    assert "<mark>bridges</mark>" in snippet
    assert "towpath &lt; 2 miles &amp; <mark>bridges</mark>" in snippet
    assert "< 2" not in snippet
    # An extract, not the whole text: it starts and ends inside it.
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "before0 " not in snippet and "after79" not in snippet


def test_the_snippet_never_lets_markup_or_stray_markers_through():
    headline = "\x02\x02a\x03 < b\x02 x\x03\x03"  # as PostgreSQL would never send it
    decision = SimpleNamespace(
        search_start="a < b x", search_end="a < b x", search_headline=headline
    )
    assert search_snippet(decision, "a") == "<mark>a</mark> &lt; b<mark> x</mark>"


def test_without_a_database_headline_the_plain_extract_marks_the_words():
    text = f"{BEFORE} Knife crime & youth work. {AFTER}"
    snippet = search_snippet(SimpleNamespace(search_text=text), "youth")
    assert "Knife crime &amp; <mark>youth</mark> work." in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert search_snippet(SimpleNamespace(search_text=text), "") == ""


def test_the_snippet_does_not_repeat_the_title_shown_above_it(officer):
    title = "Street lighting for the canal towpath"
    summary = "Funding to light the towpath between the two bridges."
    decision = draft_decision(user=officer, title=title, summary=summary)
    approved_decision(user=officer, decision=decision, number=42)

    found = list(filter_published(published_decisions(), Filters(q="towpath")))
    (found,) = with_snippets(found, "towpath")
    text = found.search_snippet.replace("<mark>", "").replace("</mark>", "")
    assert "Street lighting" not in text
    assert text.startswith(summary[:20])


def _snippets(q):
    found = list(filter_published(published_decisions(), Filters(q=q)))
    return {d.title: d.search_snippet for d in with_snippets(found, q)}


def test_a_match_beyond_the_first_part_of_the_text_still_has_its_snippet(officer):
    # The headline is first looked for near the start of the text (SNIPPET_WINDOW
    # characters): a decision whose only match lies past that still shows it, and
    # one with matches on both sides shows the early one.
    filler = " ".join(f"filler{n}" for n in range(SNIPPET_WINDOW // 4))
    assert len(filler) > SNIPPET_WINDOW
    late = f"{filler} The towpath needs lighting. {AFTER}"
    early = f"The towpath is dark. {filler} The towpath needs lighting. {AFTER}"
    for number, (title, summary) in enumerate([("Late", late), ("Early", early)], start=43):
        decision = draft_decision(user=officer, title=title, summary=summary)
        approved_decision(user=officer, decision=decision, number=number)

    snippets = _snippets("towpath")
    assert "The <mark>towpath</mark> needs lighting" in snippets["Late"]
    assert snippets["Late"].startswith("…")
    assert "<mark>towpath</mark> is dark" in snippets["Early"]
    assert "needs lighting" not in snippets["Early"]
