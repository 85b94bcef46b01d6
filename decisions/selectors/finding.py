"""Reads that help people find a published decision: what each result says about
its decision, a reference typed into the search box, and "did you mean" for a
misspelt word. Published decisions only, each read in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.safestring import SafeString

from decisions.models import Decision, DecisionSearch, SignOff
from decisions.selectors.search import query_terms, with_snippets

# "PCD 1620", "pcd1620", "pcd-1620", or the number alone ("1620").
_REFERENCE = re.compile(r"\s*(?:([A-Za-z]{2,10})[\s-]*)?(\d{1,7})\s*")
# A word is suggested instead of one typed when their trigram similarity reaches
# this (pg_trgm's own default threshold for word_similarity is 0.6).
SUGGESTION_THRESHOLD = 0.5
# Titles read for the suggestion of one word, and words looked at in one search.
SUGGESTION_TITLES = 50
SUGGESTION_WORDS = 5
_TITLE_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Result:
    """One decision in the list: its own fields, and what its row shows besides."""

    decision: Decision
    snippet: SafeString | str
    value_pence: int
    # The final approver's signature: "Name, Title" (blank if none is recorded).
    decision_by: str


def results(decisions: list[Decision], q: str) -> list[Result]:
    """The rows of one page: three queries whatever the page holds (snippets, values,
    signatures), never one a decision."""
    decisions = with_snippets(decisions, q)
    keys = [decision.pk for decision in decisions]
    # The value stored with the search row at approval (the budget is signed content,
    # so it cannot change after), not worked out again from the budget tables.
    values = dict(
        DecisionSearch.objects.filter(decision_id__in=keys).values_list(
            "decision_id", "value_pence"
        )
    )
    signers = {
        (decision_id, role): f"{name}, {title}"
        for decision_id, role, name, title in SignOff.objects.filter(decision__in=keys).values_list(
            "decision_id", "role", "signer_name", "signer_title"
        )
    }
    return [
        Result(
            decision=decision,
            snippet=decision.search_snippet,
            value_pence=values.get(decision.pk) or 0,
            decision_by=signers.get((decision.pk, decision.decision_type.final_approver), ""),
        )
        for decision in decisions
    ]


def published_decision_for_reference(q: str) -> Decision | None:
    """The public decision a search names by its reference, if the search is only a
    reference and exactly one public decision has it (a number alone can be in more
    than one series). Never a decision that is not public: that search is like any
    other, and its results say nothing about it."""
    match = _REFERENCE.fullmatch(q or "")
    if not match:
        return None
    found = Decision.objects.published().with_type().filter(reference_number=int(match[2]))
    if match[1]:
        found = found.filter(decision_type__code=match[1].upper())
    found = list(found[:2])
    return found[0] if len(found) == 1 else None


def spelling_suggestion(q: str) -> str:
    """The search with each word that is in no published title replaced by the
    nearest word that is, or "" when there is nothing to suggest.

    PostgreSQL only (pg_trgm, with the trigram index on titles, migration 0017): one
    query a word, for at most SUGGESTION_WORDS words, each reading at most
    SUGGESTION_TITLES titles that hold a word like it (`<%`, from the index)."""
    if connection.vendor != "postgresql":
        return ""
    words = query_terms(q)[:SUGGESTION_WORDS]
    changed = False
    for index, word in enumerate(words):
        if word.isdigit():
            continue
        nearest = _nearest_title_word(word)
        if nearest and nearest != word:
            words[index], changed = nearest, True
    return " ".join(words) if changed else ""


def _nearest_title_word(word: str) -> str:
    titles = (
        Decision.objects.published()
        .filter(title__trigram_word_similar=word)
        .values_list("title", flat=True)[:SUGGESTION_TITLES]
    )
    candidates = {w.lower() for title in titles for w in _TITLE_WORD.findall(title)}
    scored = [(similarity(word, candidate), candidate) for candidate in candidates]
    scored = [pair for pair in scored if pair[0] >= SUGGESTION_THRESHOLD]
    if not scored or any(candidate == word for _, candidate in scored):
        return ""
    return max(scored, key=lambda pair: (pair[0], -abs(len(pair[1]) - len(word))))[1]


def _trigrams(word: str) -> set[str]:
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all their trigrams."""
    first, second = _trigrams(a), _trigrams(b)
    return len(first & second) / len(first | second) if first | second else 0.0
