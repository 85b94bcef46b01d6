"""GOV.UK form fields that Django does not provide.

GovukDateField is the GOV.UK date input pattern: three text boxes named
<name>_day, <name>_month and <name>_year. What the user typed is kept as a
(day, month, year) tuple of strings, so a form shown again after an error gives
the typed text back (rendered by templates/includes/field_date.html).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

DateParts = tuple[str, str, str]
EMPTY_PARTS: DateParts = ("", "", "")
_PARTS = ("day", "month", "year")
_SUFFIXES = ("_day", "_month", "_year")
_NUMBER = re.compile(r"[0-9]+")


def date_parts(value: object) -> DateParts:
    """The (day, month, year) strings to show for a date, a typed tuple or nothing."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return (str(value.day), str(value.month), str(value.year))
    if isinstance(value, list | tuple) and len(value) == 3:
        day, month, year = ("" if part is None else str(part) for part in value)
        return (day, month, year)
    if isinstance(value, str) and value:
        try:
            return date_parts(datetime.date.fromisoformat(value))
        except (ValueError, OverflowError):
            return EMPTY_PARTS
    return EMPTY_PARTS


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year text inputs; the data is the tuple of the raw strings."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        inputs = {part: forms.TextInput(attrs=numeric) for part in ("day", "month", "year")}
        super().__init__(inputs, attrs)

    def decompress(self, value: Any) -> DateParts:
        return date_parts(value)

    def format_value(self, value: Any) -> DateParts:
        return date_parts(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> DateParts:
        day, month, year = (str(data.get(name + suffix) or "") for suffix in _SUFFIXES)
        return (day, month, year)

    def id_for_label(self, id_: str) -> str:
        # The day input has the field's own id, so error summary links land on it.
        return id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        if id_:
            for subwidget, suffix in zip(context["widget"]["subwidgets"], _SUFFIXES, strict=True):
                subwidget["attrs"]["id"] = id_ if suffix == "_day" else id_ + suffix
        return context


def _impossible_parts(day: int, month: int) -> tuple[str, ...]:
    """The box that makes a date impossible, where one clearly does (month 13, day 0
    or 32); otherwise, as for 31 February, the whole date (GOV.UK's advice)."""
    if not 1 <= month <= 12:
        return ("month",) if 1 <= day <= 31 else ("day", "month")
    return () if 1 <= day <= 31 else ("day",)


def _lower_first(text: str) -> str:
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():  # an acronym: "DMPC approval date"
        return text
    return text[:1].lower() + text[1:]


class GovukDateField(forms.Field):
    """A date typed as day, month and year; cleans to a datetime.date (or None).

    Error messages follow the GOV.UK date input pattern and use the label, e.g.
    label="Date of approval" gives "Enter date of approval" and "Date of approval
    must include a month". Where the label is a question ("Until what date?"),
    give the date's plain name for the messages: error_label="Deferral date"
    gives "Deferral date must include a month and year". Override messages with
    error_messages={code: message} (codes: required, incomplete, invalid,
    year_length; placeholders %(label)s, %(Label)s and, for incomplete,
    %(missing)s such as "a day and year").

    After a failed clean, ``error_parts`` names the boxes that are wrong ("day",
    "month", "year"), so only those are marked; empty means the whole date is.
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter %(label)s",
        "incomplete": "%(Label)s must include %(missing)s",
        "invalid": "%(Label)s must be a real date",
        "year_length": "Year must include 4 numbers",
    }

    def __init__(self, *, error_label: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_label = error_label
        self.error_parts: frozenset[str] = frozenset()

    def _error(self, code: str, *, parts: tuple[str, ...] = (), **params: str) -> ValidationError:
        self.error_parts = frozenset(parts)
        label = str(self.error_label or self.label or "the date").strip()
        params = {"label": _lower_first(label), "Label": label[:1].upper() + label[1:], **params}
        return ValidationError(self.error_messages[code], code=code, params=params)

    def prepare_value(self, value: Any) -> DateParts:
        # BoundField.value(): the typed strings after a POST, else the initial date's.
        return date_parts(value)

    def to_python(self, value: Any) -> datetime.date | None:
        self.error_parts = frozenset()
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        typed = dict(zip(_PARTS, (part.strip() for part in date_parts(value)), strict=True))
        if not any(typed.values()):
            return None
        missing = [name for name in _PARTS if not typed[name]]
        if missing:
            raise self._error(
                "incomplete", parts=tuple(missing), missing="a " + " and ".join(missing)
            )
        not_numbers = tuple(name for name in _PARTS if not _NUMBER.fullmatch(typed[name]))
        if not_numbers:
            raise self._error("invalid", parts=not_numbers)
        if len(typed["year"]) != 4:
            raise self._error("year_length", parts=("year",))
        day, month, year = (int(typed[name]) for name in _PARTS)
        try:
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise self._error("invalid", parts=_impossible_parts(day, month)) from None

    def validate(self, value: datetime.date | None) -> None:
        if value is None and self.required:
            raise self._error("required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True
