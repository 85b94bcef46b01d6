"""Money: stored as integer pence, shown as `£1,800,000`, typed in several ways."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import DomainError, Messages

PENCE_PER_POUND = 100
MAX_PENCE = 1_000_000_000_000 * PENCE_PER_POUND  # a trillion pounds: far past any budget

_SUFFIXES = {"": 1, "k": 1_000, "m": 1_000_000}
# The forms DESIGN.md names: `1800000`, `1,800,000`, `£1,800,000`, `£1.8m` (and pence,
# `£1,800,000.50`), and `£750k` as people write thousands. Anything else is an error,
# not a guess.
_MONEY = re.compile(
    r"""^(?P<sign>-)?\s*£?\s*(?P<sign2>-)?
        (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        \s*(?P<suffix>[km])?$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_money(text: str | int | Decimal, *, field: str | None = None) -> int:
    """Return the amount in pence, or raise DomainError(MONEY_INVALID / MONEY_NEGATIVE)."""
    if isinstance(text, int) and not isinstance(text, bool):
        pounds = Decimal(text)
    elif isinstance(text, Decimal):
        pounds = text
    else:
        match = _MONEY.match(str(text).strip())
        if not match or (match["sign"] and match["sign2"]):
            raise DomainError(Messages.MONEY_INVALID, field=field)
        suffix = (match["suffix"] or "").lower()
        try:
            pounds = Decimal(match["number"].replace(",", "")) * _SUFFIXES[suffix]
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
            raise DomainError(Messages.MONEY_INVALID, field=field) from error
        if match["sign"] or match["sign2"]:
            pounds = -pounds
    if not pounds.is_finite():
        raise DomainError(Messages.MONEY_INVALID, field=field)
    pence = pounds * PENCE_PER_POUND
    if pence != pence.to_integral_value():
        # Fractions of a penny are a typing mistake, not something to round away.
        raise DomainError(Messages.MONEY_INVALID, field=field)
    pence_int = int(pence.to_integral_value(rounding=ROUND_HALF_UP))
    if pence_int < 0:
        raise DomainError(Messages.MONEY_NEGATIVE, field=field)
    if pence_int >= MAX_PENCE:
        raise DomainError(Messages.MONEY_TOO_LARGE, field=field)
    return pence_int


def format_money(pence: int | None) -> str:
    """`£1,800,000`; pence appear only when there are some (`£12.50`)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(int(pence)), PENCE_PER_POUND)
    if remainder:
        return f"{sign}£{pounds:,}.{remainder:02d}"
    return f"{sign}£{pounds:,}"


def pounds(pence: int) -> Decimal:
    """Pounds as an exact number with two decimals (`450000.00`), for CSV and JSON."""
    return (Decimal(pence) / PENCE_PER_POUND).quantize(Decimal("0.01"))
