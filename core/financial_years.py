"""UK financial years run April to March and are written `2024/25`.

They are stored as the year in which they start (2024 for 2024/25).
"""

from __future__ import annotations

import datetime as dt
import re

from core.errors import DomainError, Messages

FIRST_YEAR = 2000
LAST_YEAR = 2099
# What people write for one: 2024/25, 2024/2025, 2024-25 (with any hyphen or dash a
# word processor or PDF gives: hyphen, non-breaking hyphen, figure, en and em dashes,
# minus sign), 2024 to 2025 (the budget grid's own words), 2024/5 (the paper forms').
_PATTERN = re.compile(
    r"^\s*(\d{4})\s*(?:/|[-\u2010\u2011\u2012\u2013\u2014\u2212]|to)\s*(\d{1,2}|\d{4})\s*$",
    re.IGNORECASE,
)


def format_financial_year(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse_financial_year(text: str, *, field: str | None = None) -> int:
    """`2024/25` (or `2024/2025`, `2024-25`, `2024 to 2025`, `2024/5`) -> 2024;
    anything else raises DomainError."""
    match = _PATTERN.match(str(text))
    if not match:
        raise DomainError(Messages.FINANCIAL_YEAR_INVALID, field=field)
    start, end = int(match[1]), match[2]
    expected_end = start + 1
    # The end year as written: its last digit, last two, or all four.
    valid = int(end) == expected_end % 10 ** len(end)
    if not valid or not FIRST_YEAR <= start <= LAST_YEAR:
        raise DomainError(Messages.FINANCIAL_YEAR_INVALID, field=field)
    return start


def financial_year_of(day: dt.date) -> int:
    """The start year of the financial year containing ``day``."""
    return day.year if day.month >= 4 else day.year - 1
