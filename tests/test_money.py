from decimal import Decimal

import pytest

from core.errors import DomainError, Messages
from core.financial_years import (
    financial_year_of,
    format_financial_year,
    parse_financial_year,
)
from core.money import format_money, parse_money


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1800000", 180_000_000),
        ("1,800,000", 180_000_000),
        ("£1,800,000", 180_000_000),
        ("£1.8m", 180_000_000),
        ("£17.2m", 1_720_000_000),
        ("1.8M", 180_000_000),
        ("£750k", 75_000_000),
        ("750K", 75_000_000),
        ("£2.5k", 250_000),
        ("£1,500k", 150_000_000),
        ("£1,800,000.50", 180_000_050),
        (" £ 450,000 ", 45_000_000),
        ("0", 0),
        (1_800_000, 180_000_000),
        (Decimal("12.34"), 1234),
    ],
)
def test_parse_money_accepts_the_forms_officers_type(text, pence):
    assert parse_money(text) == pence


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "£",
        "1.8.0",
        "1,80,000",
        "£1.8x",
        "12.345",
        "£1,800,000.5p",
        "1e6",
        "NaN",
        "--5",
        "£500km",
        "£0.000001k",
        "£1.2bn",
        "2 million",
        "$100",
    ],
)
def test_parse_money_rejects_anything_else_with_a_clear_message(text):
    with pytest.raises(DomainError) as error:
        parse_money(text, field="amount")
    assert error.value.template == Messages.MONEY_INVALID
    assert error.value.field == "amount"
    assert "1,800,000" in error.value.message


@pytest.mark.parametrize("text", ["-5", "-£5", "£-1,000"])
def test_parse_money_rejects_negative_amounts(text):
    with pytest.raises(DomainError) as error:
        parse_money(text)
    assert error.value.template == Messages.MONEY_NEGATIVE


def test_parse_money_rejects_absurd_amounts():
    with pytest.raises(DomainError) as error:
        parse_money("£5,000,000,000,000")
    assert error.value.template == Messages.MONEY_TOO_LARGE


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (180_000_000, "£1,800,000"),
        (45_000_000, "£450,000"),
        (1_720_000_000, "£17,200,000"),
        (1250, "£12.50"),
        (0, "£0"),
        (-60_000_000, "-£600,000"),
        (None, ""),
    ],
)
def test_format_money(pence, text):
    assert format_money(pence) == text


def test_money_round_trips():
    for pence in (1, 99, 100, 180_000_000, 123_456_789):
        assert parse_money(format_money(pence)) == pence


@pytest.mark.parametrize(
    ("start", "label"), [(2024, "2024/25"), (2027, "2027/28"), (2099, "2099/00"), (2009, "2009/10")]
)
def test_financial_year_renders_as_a_pair(start, label):
    assert format_financial_year(start) == label
    assert parse_financial_year(label) == start


@pytest.mark.parametrize(
    "text",
    [
        "2024/2025",
        " 2024 / 25 ",
        "2024-25",
        "2024–25",
        "2024\u221225",
        "2024\u201125",
        "2024 to 2025",
        "2024 TO 25",
        "2024/5",
    ],
)
def test_financial_year_accepts_long_and_spaced_forms(text):
    assert parse_financial_year(text) == 2024


@pytest.mark.parametrize(
    "text",
    ["2024/26", "2024-26", "2024", "24/25", "2024/6", "2024/025", "1999/00", "2025/24", "", "FY24"],
)
def test_financial_year_rejects_invalid_pairs(text):
    with pytest.raises(DomainError) as error:
        parse_financial_year(text, field="financial_year")
    assert error.value.template == Messages.FINANCIAL_YEAR_INVALID
    assert "2024/25" in error.value.message


@pytest.mark.parametrize(
    ("day", "start"),
    [("2024-04-01", 2024), ("2024-03-31", 2023), ("2025-03-31", 2024), ("2024-12-25", 2024)],
)
def test_financial_year_runs_april_to_march(day, start):
    import datetime as dt

    assert financial_year_of(dt.date.fromisoformat(day)) == start
