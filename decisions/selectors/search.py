"""Keyword search and filters over published decisions (the public list and API)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from decisions import extensions
from decisions.models import Decision
from decisions.services.publication import SEARCH_CONFIG

SNIPPET_RADIUS = 110
_WORD = re.compile(r"[\w£%'-]+", re.UNICODE)

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
    """Full-text search on PostgreSQL (stored, GIN-indexed vector); words on SQLite."""
    q = (q or "").strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-approved_at", "-pk")
        )
    for term in query_terms(q):
        queryset = queryset.filter(search_text__icontains=term)
    return queryset


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


def search_snippet(text: str, q: str) -> SafeString:
    """A short extract of `text` around the first match, matches in <mark>, escaped."""
    terms = query_terms(q)
    text = " ".join((text or "").split())
    if not terms or not text:
        return mark_safe("")
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    if not positions:
        return mark_safe(escape(text[: SNIPPET_RADIUS * 2]))  # noqa: S308 - escaped
    first = min(positions)
    start, end = max(0, first - SNIPPET_RADIUS), min(len(text), first + SNIPPET_RADIUS)
    extract = escape(text[start:end])
    pattern = re.compile("|".join(re.escape(escape(term)) for term in terms), re.IGNORECASE)
    marked = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", extract)
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - escaped, then marked
