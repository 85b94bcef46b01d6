"""The search columns (DecisionSearch.text and .vector, tens of kilobytes a decision)
are never read by the list, a search, a decision's page, its PDF or the API; the list
and a search cost the same number of queries for 3 decisions as for 30; the paginator,
the count limit and the years of the year filter at any depth.

What may name the search columns, precisely: a WHERE (the match, `@@`), an ORDER BY
or the argument of ts_rank (the rank), and, in a SELECT list, only the arguments of
ts_headline, LEFT and RIGHT (the snippet's headline and the two ends of the text,
read for the rows of the page shown). Never the columns themselves in a SELECT list.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.models import Decision, DecisionType
from decisions.selectors import published_decisions
from decisions.selectors.paging import DecisionPaginator
from decisions.selectors.public import published_years
from decisions.services.publication import decision_search_index
from decisions.workflow import State

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search columns are PostgreSQL's"
)

SEARCH_COLUMNS = re.compile(
    r'"decisions_decisionsearch"\."(text|vector)"|\b(search_text|search_vector)\b'
)
ALLOWED_CALLS = ("ts_headline(", "LEFT(", "RIGHT(", "ts_rank(")


def _select_list(sql: str) -> str:
    """The top-level SELECT list of a query (up to its own FROM, not a subquery's)."""
    depth, start = 0, sql.upper().find("SELECT") + len("SELECT")
    for index in range(start, len(sql)):
        char = sql[index]
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and sql[index : index + 6].upper() == " FROM ":
            return sql[start:index]
    return sql[start:]


def _without_allowed_calls(text: str) -> str:
    """The text with the arguments of ts_headline, LEFT, RIGHT and ts_rank removed."""
    for call in ALLOWED_CALLS:
        while (at := text.find(call)) >= 0:
            depth, end = 0, at + len(call) - 1
            for end in range(at + len(call) - 1, len(text)):
                depth += text[end] == "("
                depth -= text[end] == ")"
                if depth == 0:
                    break
            text = text[:at] + "CALL" + text[end + 1 :]
    return text


def _selects_search_columns(sql: str) -> bool:
    # Every SELECT of the statement: the outer one and those of its subqueries.
    selects = [sql[m.start() :] for m in re.finditer(r"\bSELECT\b", sql)]
    return any(SEARCH_COLUMNS.search(_without_allowed_calls(_select_list(s))) for s in selects)


def test_the_checker_sees_a_selected_search_column():
    # The checker itself: a column selected is caught; the allowed uses are not.
    assert _selects_search_columns(
        'SELECT "decisions_decision"."id", "decisions_decisionsearch"."text" FROM x'
    )
    assert _selects_search_columns(
        'SELECT a FROM x WHERE a IN (SELECT "decisions_decisionsearch"."vector" FROM y)'
    )
    assert not _selects_search_columns(
        'SELECT ts_headline(\'english\', "decisions_decisionsearch"."text", q) AS h, '
        'LEFT("decisions_decisionsearch"."text", 1000) FROM y '
        'WHERE "decisions_decisionsearch"."vector" @@ q'
    )


@pytest.mark.parametrize(
    "url",
    [
        "/decisions/",
        "/decisions/?q=youth",
        "/decisions/?q=youth&type=PCD&value=under-500k",
        "/decisions/pcd-1620/",
        "/decisions/pcd-1620/pdf/",
        "/api/decisions/",
        "/api/decisions/?q=youth",
        "/api/decisions/pcd-1620/",
    ],
)
def test_no_public_query_selects_the_search_columns(client, demo, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    offending = [q["sql"] for q in queries if _selects_search_columns(q["sql"])]
    assert not offending, offending
    if "q=" in url:
        # Not vacuous: the search did go through the search table.
        assert any("decisions_decisionsearch" in q["sql"] for q in queries)


def _published(count: int, *, user, start: dt.datetime, word: str = "lantern") -> list[Decision]:
    """Approved, published decisions with their search rows as the service writes them
    (no PDF or sign-offs: the list, search and years read none of these)."""
    pcd = DecisionType.objects.get(code="PCD")
    first = (Decision.objects.order_by("-reference_number").first() or Decision()).reference_number
    made = []
    for n in range(count):
        decision = Decision.objects.create(
            decision_type=pcd,
            reference_number=(first or 0) + 1 + n,
            title=f"Street {word} scheme {n}",
            executive_summary=f"Summary {n} about the {word}s of ward {n}.",
            state=State.APPROVED,
            drafted_by=user,
            deferred=False,
            has_part2=False,
            approved_at=start - dt.timedelta(days=3 * n),
        )
        decision_search_index(decision=decision)
        made.append(decision)
    return made


START = timezone.make_aware(dt.datetime(2026, 6, 1, 12))


@pytest.mark.parametrize(
    "url", ["/decisions/", "/decisions/?q=lantern", "/api/decisions/?q=lantern"]
)
def test_the_list_and_search_cost_the_same_for_3_and_30_decisions(client, officer, url):
    _published(3, user=officer, start=START)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _published(27, user=officer, start=START - dt.timedelta(days=400))
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert "30" in body
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_every_page_of_the_paginator_is_the_plain_slice(officer):
    _published(45, user=officer, start=START)
    expected = list(published_decisions())
    paginator = DecisionPaginator(published_decisions(), 7)
    assert paginator.count == len(expected) and not paginator.more
    for number in paginator.page_range:
        # Early pages read from the start, later ones from the end in reverse order.
        shown = [d.pk for d in paginator.page(number)]
        assert shown == [d.pk for d in expected[(number - 1) * 7 : number * 7]], number


def test_a_common_word_counts_up_to_the_limit_and_says_there_are_more(client, officer, monkeypatch):
    from decisions.selectors import search

    monkeypatch.setattr(search, "SEARCH_LIMIT", 5)
    made = _published(8, user=officer, start=START)
    _published(2, user=officer, start=START, word="bollard")
    html = client.get("/decisions/", {"q": "lantern"}).content.decode()
    assert "of more than 5 results" in html
    # The newest SEARCH_LIMIT + 1 matches are ranked, the best SEARCH_LIMIT shown.
    shown = set(re.findall(r"Street lantern scheme (\d+)", html))
    assert len(shown) == 5 and shown <= {str(n) for n in range(6)}
    # A rarer word finds every decision that has it, counted exactly.
    html = client.get("/decisions/", {"q": "bollard"}).content.decode()
    assert "of 2 results" in html
    assert len(made) == 8
    # The API says the same: its count stops at the limit and `more` tells a client so.
    body = client.get("/api/decisions/", {"q": "lantern"}).json()
    assert (body["count"], body["more"], len(body["results"])) == (5, True, 5)
    body = client.get("/api/decisions/", {"q": "bollard"}).json()
    assert (body["count"], body["more"]) == (2, False)
    assert client.get("/api/decisions/").json()["more"] is False


def test_the_years_are_those_of_published_decisions_only(officer):
    from tests.factories import reviewers_create  # noqa: F401 - users for the types

    kept = _published(3, user=officer, start=START)  # 2026
    for year, change in [
        (2019, {"publication_withdrawn_at": START, "publication_withdrawal_reason": "Error"}),
        (2018, {"deferred": True, "deferred_until": dt.date(2099, 1, 1), "deferral_reason": "x"}),
        (2017, {"state": State.REJECTED}),
    ]:
        (hidden,) = _published(1, user=officer, start=START.replace(year=year))
        Decision.objects.filter(pk=hidden.pk).update(**change)
    # A decision signed at 00:30 on 1 January, London time, is in that year.
    (new_year,) = _published(1, user=officer, start=START)
    local = timezone.make_aware(dt.datetime(2021, 1, 1, 0, 30))
    Decision.objects.filter(pk=new_year.pk).update(approved_at=local)
    expected = sorted(
        {timezone.localtime(d.approved_at).year for d in published_decisions()}, reverse=True
    )
    with CaptureQueriesContext(connection) as queries:
        assert published_years() == expected == [2026, 2021]
    assert len(queries) == 1
    assert kept
