"""Keyword search and filters over published decisions (the public list and API)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Left, Right
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from decisions import extensions
from decisions.models import Decision
from decisions.services.publication import SEARCH_CONFIG

SNIPPET_RADIUS = 110
# How much of each end of the text is read to tell whether a headline starts or ends
# it: far more than a headline of 30 words, far less than the whole text.
SNIPPET_ENDS = 1_000
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


def query_terms(q: str) -> list[str]:
    return [term.lower() for term in _WORD.findall(q or "") if len(term) > 1][:12]


def search_published(queryset: QuerySet[Decision], q: str) -> QuerySet[Decision]:
    """Full-text search on PostgreSQL (stored, GIN-indexed vector); words on SQLite.

    The text and vector live in DecisionSearch: they are joined for the match and
    the rank, and only the headline and the two ends of the text (for the snippet's
    "…") are read, for the rows of the page shown."""
    q = (q or "").strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        headline = SearchHeadline(
            "search_index__text",
            query,
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=30,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=_GAP,
        )
        # PostgreSQL computes the headline only for the rows of the page shown.
        return (
            queryset.filter(search_index__vector=query)
            .annotate(
                rank=SearchRank(F("search_index__vector"), query),
                search_headline=headline,
                search_start=Left("search_index__text", SNIPPET_ENDS),
                search_end=Right("search_index__text", SNIPPET_ENDS),
            )
            .order_by("-rank", "-approved_at", "-pk")
        )
    for term in query_terms(q):
        queryset = queryset.filter(search_index__text__icontains=term)
    return queryset.annotate(search_text=F("search_index__text"))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    year: int | None = None
    type_code: str = ""
    value_band: str = ""
    financial_year: int | None = None


def filter_published(queryset: QuerySet[Decision], filters: Filters) -> QuerySet[Decision]:
    if filters.year:
        queryset = queryset.filter(approved_at__year=filters.year)
    if filters.type_code:
        queryset = queryset.filter(decision_type__code=filters.type_code)
    if filters.financial_year:
        queryset = extensions.filter_financial_year(queryset, filters.financial_year)
    if filters.value_band:
        band = next(b for b in VALUE_BANDS if b[0] == filters.value_band)
        queryset = extensions.with_value(queryset).filter(value_pence__gte=band[2])
        if band[3] is not None:
            queryset = queryset.filter(value_pence__lt=band[3])
    return search_published(queryset, filters.q)


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
