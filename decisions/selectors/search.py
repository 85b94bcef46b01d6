"""Keyword search and filters over published decisions (the public list and API)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, Sum, TextField, When
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from decisions.models import Decision, DecisionFinancialYear, DecisionSearch, PublishedCount
from decisions.selectors.sorting import ordering
from decisions.services.publication import SEARCH_CONFIG

SNIPPET_RADIUS = 110
# A search ranks its newest SEARCH_LIMIT + 1 matches and shows SEARCH_LIMIT of them.
SEARCH_LIMIT = 1_000
# How much of each end of the text is read to tell whether a headline starts or ends
# it: far more than a headline of 30 words, far less than the whole text.
SNIPPET_ENDS = 1_000
# A headline is looked for in this much of the text first (`_headlines`).
SNIPPET_WINDOW = 3_000
_WORD = re.compile(r"[\w£%'-]+", re.UNICODE)
# Search headlines mark matches and join fragments with control characters, which
# survive HTML escaping; `search_snippet` turns them into <mark> and "…" after it.
_START, _STOP, _GAP = "\x02", "\x03", "\x1f"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")

# Value bands for the filter: (key, label, lower pence inclusive, upper pence exclusive).
VALUE_BANDS = [
    ("under-500k", "Under £500,000", 0, 500_000_00),
    ("500k-2m", "£500,000 to £2 million", 500_000_00, 2_000_000_00),
    ("2m-10m", "£2 million to £10 million", 2_000_000_00, 10_000_000_00),
    ("10m-plus", "£10 million or more", 10_000_000_00, None),
]


class _KeyInArray(Func):
    """`key = ANY(ARRAY(subquery))`: the subquery run once, its keys then looked up."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


class _InSetOnce(Func):
    """`(condition) IS TRUE`, for `key IN (subquery)`: so written, PostgreSQL does not
    turn it into a semi-join (which, under the list's LIMIT, it runs as a loop that
    looks the set up once per listed row, in the list's order: slow when the matches
    are far down the order) but reads the subquery once into a hash and tests each
    row against it ("hashed SubPlan" in EXPLAIN)."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def query_terms(q: str) -> list[str]:
    return [term.lower() for term in _WORD.findall(q or "") if len(term) > 1][:12]


def search_published(
    queryset: QuerySet[Decision],
    q: str,
    *,
    order: tuple[str, ...] | None = None,
    read_from: QuerySet[Decision] | None = None,
) -> QuerySet[Decision]:
    """Full-text search on PostgreSQL (stored, GIN-indexed vector); words on SQLite.

    Relevance is ranked among the newest SEARCH_LIMIT + 1 matches only. Ranking reads
    each match's vector (kilobytes), so ranking all of them costs in proportion to
    the matches: seconds for a word in 97,000 decisions. The newest matches are found
    cheaply either way: for a common word by walking the list's order index until
    enough match, for a rare word from the GIN index (every match, sorted by date);
    the planner picks by the word's frequency. A rare word still finds every decision
    that has it; a common one shows its newest SEARCH_LIMIT matches by relevance, and
    the count stops there ("more than 1,000 results": DecisionPaginator's `limit`).

    With `order` (a sort other than relevance: decisions/selectors/sorting.py), the
    first SEARCH_LIMIT + 1 matches in that order, in that order, unranked.

    `read_from`: where the matches are read back from by key (default `queryset`):
    `queryset` before the filters that chose them (`filter_published`). The keys
    already meet those filters; tested again on each of the SEARCH_LIMIT + 1 rows
    read back (the type's join, the value band's index), they were a third of a
    filtered search's time. Whatever `read_from` holds is still applied.

    The text and vector live in DecisionSearch, joined for the match and the rank;
    the snippets of the rows shown are read by `with_snippets`, once the page is known.
    """
    q = (q or "").strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        newest = (
            queryset.filter(search_index__vector=query)
            .order_by(*(order or ("-approved_at", "-pk")))
            .values("pk")[: SEARCH_LIMIT + 1]
        )
        # `pk = ANY(ARRAY(newest))`, not `pk IN (newest)`: the planner turns an IN
        # into a join with every published decision (an index scan of all of them,
        # hashed against the newest matches: as long as finding the matches, for a
        # word in most decisions); the array is computed once, and the decisions
        # are then read by key, SEARCH_LIMIT + 1 of them at most.
        among_newest = _KeyInArray(F("pk"), ArraySubquery(newest))
        matches = (queryset if read_from is None else read_from).filter(among_newest)
        if order:
            return matches.order_by(*order)
        return matches.annotate(rank=SearchRank(F("search_index__vector"), query)).order_by(
            "-rank", "-approved_at", "-pk"
        )
    for term in query_terms(q):
        queryset = queryset.filter(search_index__text__icontains=term)
    return queryset


def with_snippets(decisions: list[Decision], q: str) -> list[Decision]:
    """Set `search_snippet` on each decision of a page: one query for the page, which
    computes the headline (and reads the two ends of the text, for the "…") of these
    rows only, never of the other matches."""
    q = (q or "").strip()[:200]
    keys = [decision.pk for decision in decisions]
    if connection.vendor == "postgresql" and q:
        parts = _headlines(keys, q)
    elif q:
        rows = DecisionSearch.objects.filter(decision__in=keys)
        # The stored text begins with the title, which the result shows above the
        # snippet: the snippet is taken from what follows it (summary, body).
        rows = rows.annotate(
            after_title=Case(
                When(
                    text__startswith=F("decision__title"),
                    then=Substr("text", Length("decision__title") + 2),
                ),
                default=F("text"),
                output_field=TextField(),
            )
        )
        parts = {
            pk: SimpleNamespace(search_text=text)
            for pk, text in rows.values_list("decision_id", "after_title")
        }
    else:
        parts = {}
    for decision in decisions:
        part = parts.get(decision.pk)
        decision.search_snippet = search_snippet(part, q) if part else ""
    return decisions


# PostgreSQL's headline of each row of a page, in one query. ts_headline parses the
# whole text it is given, about 1.3 ms for a decision of 9,000 characters: a page of
# 20 took 26-33 ms at 100,000 decisions, a third of a search (bench/RESULTS.md). It
# is first asked for the headline of the text's first SNIPPET_WINDOW characters
# after the title (the summary and the start of the body, where a search's words
# mostly are), and of the whole text only for a row with no match there whose text
# is longer. The subquery (kept apart by OFFSET 0, so not merged into the outer
# query) computes that first headline once a row, for both the test and the result.
# Raw SQL: the ORM has no select from a subquery. The text itself is never selected,
# only what ts_headline, LEFT and RIGHT make of it (tests/test_search_columns.py).
#
# The stored text begins with the title, which the result shows above the snippet:
# the snippet is taken from what follows it.
_BODY = (
    'CASE WHEN starts_with("decisions_decisionsearch"."text", "decisions_decision"."title") '
    'THEN substr("decisions_decisionsearch"."text", length("decisions_decision"."title") + 2) '
    'ELSE "decisions_decisionsearch"."text" END'
)
_HEADLINES_SQL = f"""
SELECT page.decision_id,
       CASE WHEN strpos(page.near, %(start)s) > 0
                 OR char_length(LEFT({_BODY}, %(window)s + 1)) <= %(window)s
            THEN page.near
            ELSE ts_headline(%(config)s::regconfig, {_BODY}, page.query, %(options)s) END,
       LEFT({_BODY}, %(ends)s),
       RIGHT("decisions_decisionsearch"."text", %(ends)s)
FROM (
    SELECT "decisions_decisionsearch"."decision_id", query,
           ts_headline(%(config)s::regconfig, LEFT({_BODY}, %(window)s), query, %(options)s)
               AS near
    FROM "decisions_decisionsearch"
    JOIN "decisions_decision"
        ON "decisions_decision"."id" = "decisions_decisionsearch"."decision_id"
    CROSS JOIN websearch_to_tsquery(%(config)s::regconfig, %(q)s) AS query
    WHERE "decisions_decisionsearch"."decision_id" = ANY(%(keys)s)
    OFFSET 0
) AS page
JOIN "decisions_decisionsearch" ON "decisions_decisionsearch"."decision_id" = page.decision_id
JOIN "decisions_decision" ON "decisions_decision"."id" = page.decision_id
"""  # noqa: S608 - built from constants only; every value is a parameter
# Matches and fragment gaps as control characters (see _START): escaped HTML keeps them.
_HEADLINE_OPTIONS = (
    f'StartSel="{_START}", StopSel="{_STOP}", MaxWords=30, MinWords=15, '
    f'MaxFragments=2, FragmentDelimiter="{_GAP}"'
)


def _headlines(keys: list[int], q: str) -> dict[int, SimpleNamespace]:
    if not keys:
        return {}
    params = {
        "start": _START,
        "window": SNIPPET_WINDOW,
        "config": SEARCH_CONFIG,
        "options": _HEADLINE_OPTIONS,
        "ends": SNIPPET_ENDS,
        "q": q,
        "keys": keys,
    }
    with connection.cursor() as cursor:
        cursor.execute(_HEADLINES_SQL, params)
        return {
            pk: SimpleNamespace(search_headline=headline, search_start=start, search_end=end)
            for pk, headline, start, end in cursor.fetchall()
        }


@dataclass(frozen=True)
class Filters:
    q: str = ""
    year: int | None = None
    type_code: str = ""
    value_band: str = ""
    financial_year: int | None = None
    # The order (decisions/selectors/sorting.py): not a filter, the same matches.
    sort: str = ""


def count_limit(filters: Filters) -> int | None:
    """Where counting stops (DecisionPaginator's `limit`): a search ranks its newest
    SEARCH_LIMIT + 1 matches only; the value and financial-year filters test each
    decision against rows of another table (its search row's value, its years), so
    counting all their matches tests every published decision: both say "more than
    1,000" instead. The year and type filters and the plain list read the order
    index only and count exactly."""
    if filters.q or filters.value_band or filters.financial_year:
        return SEARCH_LIMIT
    return None


def published_count(filters: Filters) -> int | None:
    """How many published decisions `filters` leave, without counting them, when only
    the type (or nothing) filters them: the sum of PublishedCount's rows public by
    today (a row per type and deferral end date, kept exact by PostgreSQL's
    triggers: 2,222 rows summed in about a millisecond at 100,000 decisions, where
    counting the ~83,000 entries of the order index took 15-23 ms of the plain
    list's ~40). None otherwise, and on SQLite, which has no triggers: the
    paginator counts the matches."""
    if count_limit(filters) is not None or filters.year:
        return None
    if connection.vendor != "postgresql":
        return None
    counts = PublishedCount.objects.filter(visible_from__lte=timezone.localdate())
    if filters.type_code:
        counts = counts.filter(decision_type__code=filters.type_code)
    return counts.aggregate(total=Coalesce(Sum("decisions"), 0))["total"]


def filter_published(queryset: QuerySet[Decision], filters: Filters) -> QuerySet[Decision]:
    unfiltered = queryset
    if filters.year:
        queryset = queryset.filter(approved_at__year=filters.year)
    if filters.type_code:
        queryset = queryset.filter(decision_type__code=filters.type_code)
    if filters.financial_year:
        # The years stored with the search row at approval: no budget table is read.
        spending = DecisionFinancialYear.objects.filter(financial_year=filters.financial_year)
        queryset = queryset.filter(_InSetOnce(Q(pk__in=spending.values("decision_id"))))
    if filters.value_band:
        # The value stored with the search row at approval: no budget table is read.
        # As a set of keys from its index (no vector read), not a condition on the
        # search row, which the planner would test with the words on every row in
        # the band; read once into a hash (`_InSetOnce`): as a join, the planner
        # hashed the band against every published decision and sorted the matches
        # (43 ms for 500k-2m at 100,000 decisions; 7 ms walking the order index).
        band = next(b for b in VALUE_BANDS if b[0] == filters.value_band)
        in_band = DecisionSearch.objects.filter(value_pence__gte=band[2])
        if band[3] is not None:
            in_band = in_band.filter(value_pence__lt=band[3])
        queryset = queryset.filter(_InSetOnce(Q(pk__in=in_band.values("decision_id"))))
    order = ordering(filters.sort, searching=bool(filters.q.strip()))
    if order:
        queryset = queryset.order_by(*order)
    return search_published(queryset, filters.q, order=order, read_from=unfiltered)


def search_snippet(decision: Decision, q: str) -> SafeString:
    """A short extract of the decision's text around its matches, matches in <mark>,
    escaped: PostgreSQL's headline (`search_headline`, from `search_published`, with
    the two ends of the text to tell whether it starts or ends the text), or the text
    around the first matching word on SQLite (`search_text`)."""
    headline = getattr(decision, "search_headline", None)
    if headline is None:
        start = end = " ".join((getattr(decision, "search_text", "") or "").split())
        headline = _plain_headline(start, q)
    else:
        start = " ".join((decision.search_start or "").split())
        end = " ".join((decision.search_end or "").split())
    fragments = [" ".join(fragment.split()) for fragment in headline.split(_GAP)]
    fragments = [fragment for fragment in fragments if fragment]
    if not fragments:
        return mark_safe("")
    shown = [fragment.replace(_START, "").replace(_STOP, "") for fragment in fragments]
    prefix = "" if start.startswith(shown[0]) else "…"
    suffix = "" if end.endswith(shown[-1]) else "…"
    marked = _MARKED.sub(r"<mark>\1</mark>", escape(" … ".join(fragments)))
    marked = marked.replace(_START, "").replace(_STOP, "")
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - escaped, then marked


def _plain_headline(text: str, q: str) -> str:
    """SQLite: the text around the first matching word, matches between markers."""
    terms = query_terms(q)
    if not terms:
        return ""
    lowered = text.lower()
    first = min((i for term in terms if (i := lowered.find(term)) >= 0), default=0)
    start = max(0, first - SNIPPET_RADIUS)
    extract = text[start : first + SNIPPET_RADIUS]
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    return pattern.sub(lambda match: f"{_START}{match[0]}{_STOP}", extract)
