"""The pagination bar: first, last, the current page and one either side, with an
ellipsis for each gap, whatever the number of pages."""

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string


def bar(count: int, per_page: int, number: int) -> list[str]:
    page = Paginator(range(count), per_page).get_page(number)
    html = render_to_string("includes/pagination.html", {"page_obj": page})
    items = re.findall(r'aria-label="Page (\d+)"|(&ctdot;)', html)
    return [label or "…" for label, ellipsis in items]


def expected(last: int, current: int) -> list[str]:
    """Computed from the rule, not from the code: shown pages are 1, last and
    current ± 1; a gap of exactly one page shows that page, a longer gap an ellipsis."""
    shown = {1, last, current - 1, current, current + 1} & set(range(1, last + 1))
    out, previous = [], 0
    for number in sorted(shown):
        if number - previous == 2:
            out.append(str(previous + 1))
        elif number - previous > 2:
            out.append("…")
        out.append(str(number))
        previous = number
    return out


@pytest.mark.parametrize(
    ("count", "current"),
    [(200, 1), (200, 4), (200, 5), (200, 10), (100_000, 2_500), (100_000, 5_000), (60, 2)],
)
def test_the_bar_shows_ends_neighbours_and_gaps(count, current):
    last = -(-count // 20)
    assert bar(count, 20, current) == expected(last, current)


def test_one_page_shows_no_bar():
    assert bar(20, 20, 1) == []
