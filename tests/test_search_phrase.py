"""A quoted phrase finds exactly the published decisions with its words side by side,
ranked by relevance (or in the order asked for), and the decisions of the newest
matches are read by key from an array of their keys, never by a join with every
published decision (issue 12: the phrase search at 100,000 decisions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.models import Decision, DecisionType
from decisions.selectors import published_decisions
from decisions.selectors.search import Filters, filter_published
from decisions.services.publication import decision_search_index
from decisions.workflow import State

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search"),
]

START = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
# (summary, whether it has the phrase "host borough": the two words side by side)
SUMMARIES = [
    ("The host borough pays for the lighting.", True),
    ("Funding agreed with the host borough and its partners; the host borough reports.", True),
    ("The borough will host the event.", False),  # both words, in the other order
    ("A host of services in every borough.", False),  # both words, apart
    ("The host council pays.", False),  # one word
    ("Each host borough signs the agreement.", True),
]


@pytest.fixture
def decisions(officer) -> list[Decision]:
    pcd = DecisionType.objects.get(code="PCD")
    first = (Decision.objects.order_by("-reference_number").first() or Decision()).reference_number
    made = []
    for n, (summary, _) in enumerate(SUMMARIES):
        decision = Decision.objects.create(
            decision_type=pcd,
            reference_number=(first or 0) + 1 + n,
            title=f"Lighting scheme {n}",
            executive_summary=summary,
            state=State.APPROVED,
            drafted_by=officer,
            deferred=False,
            has_part2=False,
            approved_at=START - dt.timedelta(days=n),
        )
        decision_search_index(decision=decision)
        made.append(decision)
    return made


def _phrase_matches(decisions: list[Decision]) -> set[int]:
    return {d.pk for d, (_, has) in zip(decisions, SUMMARIES, strict=True) if has}


def test_a_phrase_finds_exactly_the_decisions_with_its_words_side_by_side(decisions):
    found = list(filter_published(published_decisions(), Filters(q='"host borough"')))
    assert {d.pk for d in found} == _phrase_matches(decisions)
    # Ranked: the decision that has the phrase twice first; then the newest first.
    ranks = [d.rank for d in found]
    assert ranks == sorted(ranks, reverse=True)
    assert found[0].pk == decisions[1].pk
    assert [d.pk for d in found[1:]] == [decisions[0].pk, decisions[5].pk]


def test_a_phrase_in_another_order_keeps_the_phrase_and_the_order(decisions):
    found = list(
        filter_published(published_decisions(), Filters(q='"host borough"', sort="oldest"))
    )
    expected = [d.pk for d in reversed(decisions) if d.pk in _phrase_matches(decisions)]
    assert [d.pk for d in found] == expected


def test_the_words_without_quotes_find_every_decision_with_both(decisions):
    found = {d.pk for d in filter_published(published_decisions(), Filters(q="host borough"))}
    both = {d.pk for d, (summary, _) in zip(decisions, SUMMARIES, strict=True)
            if "host" in summary.lower() and "borough" in summary.lower()}  # fmt: skip
    assert found == both
    assert len(both) > len(_phrase_matches(decisions))


@pytest.mark.parametrize("sort", ["", "newest"])
def test_the_newest_matches_are_read_by_key_not_joined_with_every_decision(decisions, sort):
    with CaptureQueriesContext(connection) as queries:
        list(filter_published(published_decisions(), Filters(q='"host borough"', sort=sort)))
    (sql,) = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    # The matches' keys as an array, computed once (an InitPlan), then looked up by
    # key: `IN (SELECT ...)` is planned as a join that scans every published decision.
    assert '"decisions_decision"."id" = ANY(ARRAY(SELECT' in sql
    assert " IN (SELECT" not in sql
