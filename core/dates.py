"""Dates and times as the office writes them: "1 March 2024" and "1 March 2024, 10:42",
in UK time. The one place pages, lists and the history format them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def uk_date(value: dt.date | dt.datetime) -> str:
    """A date, or the UK date of a moment."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def uk_datetime(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")
