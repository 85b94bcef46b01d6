"""The parts of the decision form read from Word blocks: a section's paragraphs
(through the same splitter as pasted text, decisions/paste.py), the budget table,
the declarations table and the yes/no answers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.errors import DomainError
from core.financial_years import format_financial_year
from core.money import format_money, parse_money
from decisions.models import DeclarationKind
from decisions.paste import paragraphs_from_pasted_text
from decisions.wordform.reading import Grid, Line

DECIMAL_FORMATS = {"decimal", "decimalZero", "decimalEnclosedFullstop", "decimalEnclosedParen"}
_LETTER_FORMATS = {"lowerLetter", "upperLetter"}
_ROMAN_FORMATS = {"lowerRoman", "upperRoman"}
# A typed list item: "(a) …", "a) …", "• …", "- …", "o …".
_TYPED_LIST_ITEM = re.compile(r"^(\(?[a-z]{1,2}\)|\(?[ivx]{1,5}\)|[•◦▪\-–*\uf0b7]|o)\s", re.I)
_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{1,4})$")
_TICKS = {"✓", "✔", "☑", "√", "✅", "🗸", "x", "yes", "y"}
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def normalised(text: str) -> str:
    """Lower case, one space, plain dashes, "&" as "and", no trailing colon."""
    text = re.sub(r"[\u00a0\s]+", " ", text or "").strip().lower()
    text = re.sub(r"[–—‐‑]", "-", text).replace("&", "and")
    text = re.sub(r"\s*/\s*", "/", text)
    return text.strip("*_ ").rstrip(":").strip()


# --- Section text -----------------------------------------------------------------------


def _letter(index: int, roman: bool) -> str:
    if roman:
        return _ROMAN[index % len(_ROMAN)]
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


class _Numberer:
    """Word's automatic numbers written out as typed ones, so the paste splitter
    reads them as it reads numbers an officer typed."""

    def __init__(self, lines: list[Line], prefix: str) -> None:
        levels = [line.list_level for line in lines if line.list_format in DECIMAL_FORMATS]
        self.paragraph_level = min(levels) if levels else None
        self.prefix = prefix  # "3." for section 3, "" for the recommendations
        self.count = 0
        self.items: dict[int, int] = {}

    def written(self, line: Line) -> tuple[str, bool]:
        """(text with its number or marker, whether it is a list item of a paragraph)."""
        text = line.text
        fmt, level = line.list_format, line.list_level
        if fmt is None:
            return text, bool(_TYPED_LIST_ITEM.match(line.plain))
        if fmt in DECIMAL_FORMATS and level == self.paragraph_level:
            self.count += 1
            self.items.clear()
            return f"{self.prefix}{self.count}. {text}", False
        index = self.items.get(level, 0)
        self.items[level] = index + 1
        for deeper in [key for key in self.items if key > level]:
            del self.items[deeper]
        if fmt in _LETTER_FORMATS or fmt in _ROMAN_FORMATS:
            return f"({_letter(index, fmt in _ROMAN_FORMATS)}) {text}", True
        if fmt in DECIMAL_FORMATS:
            return f"{index + 1}. {text}", True
        deep = self.paragraph_level is not None and level > self.paragraph_level + 1
        return f"{'◦' if deep or level > 0 else '-'} {text}", True


def grid_rows_as_pasted(grid: Grid) -> str:
    """A table as Word pastes one (tab-separated cells), which the splitter makes a
    Markdown-light table."""
    rows = []
    for cells in grid.plain_rows:
        rows.append("\t".join(re.sub(r"\s+", " ", cell) for cell in cells))
    return "\n".join(rows)


def section_text(items: list[Line | Grid], *, prefix: str) -> str:
    """A section's Word paragraphs (and tables) as text for the paste splitter: one
    blank line between paragraphs; list items and tables stay with the paragraph."""
    numberer = _Numberer([item for item in items if isinstance(item, Line)], prefix)
    text = ""
    for item in items:
        if isinstance(item, Grid):
            text += "\n" + grid_rows_as_pasted(item) + "\n"
            continue
        if not item.plain:
            continue
        written, list_item = numberer.written(item)
        separator = "\n" if list_item and text else "\n\n"
        text += (separator if text else "") + written
    return text.strip()


def split_section(items: list[Line | Grid], *, number: int | None) -> list[str]:
    prefix = f"{number}." if number is not None else ""
    text = section_text(items, prefix=prefix)
    if not text:
        return []
    return [
        paragraph.text for paragraph in paragraphs_from_pasted_text(text, section_number=number)
    ]


# --- The budget table -------------------------------------------------------------------


@dataclass
class BudgetFigures:
    """The per-year figures of the form's "Proposed Expenditure" table."""

    years: list[tuple[int, int]] = field(default_factory=list)  # (start year, pence)
    total_pence: int | None = None

    @property
    def adds_up(self) -> bool:
        return self.total_pence is None or sum(p for _y, p in self.years) == self.total_pence

    def as_report(self) -> dict:
        return {
            "rows": [
                {"year": format_financial_year(year), "amount": format_money(pence)}
                for year, pence in self.years
            ],
            "total": format_money(self.total_pence) if self.total_pence is not None else "",
            "adds_up": self.adds_up,
        }


def _money(text: str) -> int | None:
    text = text.strip()
    if not text or not re.search(r"\d", text):
        return None
    try:
        return parse_money(text)
    except DomainError:
        return None


def budget_figures(grid: Grid) -> BudgetFigures | None:
    """The figures, if this table is a budget table: a row of financial years (and
    "Total") with a row of amounts under it."""
    rows = grid.plain_rows
    for index, cells in enumerate(rows):
        years = {col: _YEAR.match(cell.strip()) for col, cell in enumerate(cells)}
        years = {col: match for col, match in years.items() if match}
        if not years:
            continue
        total_col = next((c for c, cell in enumerate(cells) if normalised(cell) == "total"), None)
        for below in rows[index + 1 :]:
            amounts = {col: _money(below[col]) for col in years if col < len(below)}
            if not any(value is not None for value in amounts.values()):
                continue
            figures = BudgetFigures(
                years=[
                    (int(years[col].group(1)), pence)
                    for col, pence in sorted(amounts.items())
                    if pence is not None
                ]
            )
            if total_col is not None and total_col < len(below):
                figures.total_pence = _money(below[total_col])
            return figures
    return None


# --- Yes / no answers and dates -----------------------------------------------------------


def yes_no(text: str) -> bool | None:
    """The answer at the end of a question line ("… deferred? NO", "… form - YES")."""
    match = re.search(r"(?:^|[\s?:\-–—])(yes|no)\W*$", text.strip(), re.IGNORECASE)
    if not match:
        return None
    return match.group(1).lower() == "yes"


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


def parse_date(text: str) -> dt.date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().rstrip("."))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def after_label(text: str) -> str:
    """What follows the question's colon or question mark ("If yes, for what reason: …")."""
    parts = re.split(r"[:?]", text, maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


# --- The originating officer declaration ---------------------------------------------------

_DECLARATION_ALIASES = {normalised(kind.label): kind.value for kind in DeclarationKind} | {
    "director/head of service": DeclarationKind.HEAD_OF_SERVICE.value,
    "head of service": DeclarationKind.HEAD_OF_SERVICE.value,
    "director": DeclarationKind.HEAD_OF_SERVICE.value,
    "gdpr and data privacy": DeclarationKind.GDPR.value,
    "data privacy": DeclarationKind.GDPR.value,
    "equality advice": DeclarationKind.EQUALITIES.value,
    "finance advice": DeclarationKind.FINANCIAL.value,
    "public health": DeclarationKind.PUBLIC_HEALTH.value,
    "commercial advice": DeclarationKind.COMMERCIAL.value,
}


def declaration_heading(text: str) -> tuple[str, str] | None:
    """(kind, rest of the line) when the line starts with a row's heading."""
    norm = normalised(text)
    for alias, kind in sorted(_DECLARATION_ALIASES.items(), key=lambda item: -len(item[0])):
        if norm == alias:
            return kind, ""
        if norm.startswith(alias + ":") or norm.startswith(alias + " -"):
            rest = re.split(r"[:\-–—]", text, maxsplit=1)
            return kind, rest[1].strip() if len(rest) == 2 else ""
    return None


def is_tick(text: str) -> bool:
    text = text.strip().strip("()[]").strip()
    return bool(text) and (text.lower() in _TICKS or any(t in text for t in "✓✔☑√✅🗸"))


@dataclass
class Declarations:
    rows: dict[str, list[str]] = field(default_factory=dict)  # kind -> statement lines
    ticked: set[str] = field(default_factory=set)
    stray: list[str] = field(default_factory=list)  # text before any row's heading
    current: str | None = None

    def take(self, text: str, tick: bool = False) -> None:
        """One line of the first column (heading and/or statement) with its tick."""
        text = text.strip()
        if text and text[-1] in "✓✔☑√":
            text, tick = text[:-1].strip(), True
        heading = declaration_heading(text)
        if heading:
            self.current, text = heading
            self.rows.setdefault(self.current, [])
        if text and text not in "_-–":
            if self.current is None:
                self.stray.append(text)
            else:
                self.rows[self.current].append(text)
        if tick and self.current is not None:
            self.ticked.add(self.current)

    def take_grid(self, grid: Grid) -> None:
        for row in grid.rows:
            first = [line.plain for line in row[0]] if row else []
            if first and normalised(first[0]).startswith("originating officer declaration"):
                continue
            tick = any(is_tick(" ".join(line.plain for line in cell)) for cell in row[1:])
            for position, text in enumerate(first):
                self.take(text, tick=tick and position == len(first) - 1)
            if tick and not first:
                self.take("", tick=True)

    def statements(self) -> dict[str, tuple[str, bool]]:
        return {
            kind: (" ".join(lines).strip(), kind in self.ticked)
            for kind, lines in self.rows.items()
        }
