"""The orders the public list offers, each read from an index at any depth.

Newest and oldest walk `decision_published_order` one way or the other; reference
walks `decision_published_reference` (migration 0017). Relevance exists only for a
search, and is then the default: someone who typed words expects the best matches
first (as GOV.UK search does); without words the list is newest signed first.
"""

from __future__ import annotations

NEWEST, OLDEST, RELEVANCE, REFERENCE = "newest", "oldest", "relevance", "reference"

SORT_CHOICES = [
    (RELEVANCE, "Most relevant"),
    (NEWEST, "Newest signed"),
    (OLDEST, "Oldest signed"),
    (REFERENCE, "Reference"),
]

# Every ordering ends with the primary key, so that it is total and its reverse
# exact (the paginator reads deep pages from the other end).
ORDERINGS: dict[str, tuple[str, ...]] = {
    NEWEST: ("-approved_at", "-pk"),
    OLDEST: ("approved_at", "pk"),
    # By series, then number: the series in the order they were set up (PCD first).
    REFERENCE: ("decision_type_id", "reference_number", "pk"),
}

# What a search with more matches than it shows shows, per order ("the newest 1,000").
LIMIT_NOTES = {
    RELEVANCE: "the newest {limit}, most relevant first",
    NEWEST: "the newest {limit}",
    OLDEST: "the oldest {limit}",
    REFERENCE: "the first {limit} by reference",
}


def sort_key(sort: str, *, searching: bool) -> str:
    """The order to use: the one asked for if it applies, else the default."""
    if sort in ORDERINGS:
        return sort
    return RELEVANCE if searching else NEWEST


def sort_choices(*, searching: bool) -> list[tuple[str, str]]:
    """The orders offered: relevance only when there are words to match."""
    return [choice for choice in SORT_CHOICES if searching or choice[0] != RELEVANCE]


def ordering(sort: str, *, searching: bool) -> tuple[str, ...] | None:
    """The order_by fields, or None for relevance (ranked by the search)."""
    return ORDERINGS.get(sort_key(sort, searching=searching))
