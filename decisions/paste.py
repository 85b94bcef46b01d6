"""Split a whole section, as pasted from Word or typed, into its paragraphs.

Pure text handling (no database): the officer pastes a section in one box and
this module finds its numbered paragraphs and turns each into Markdown-light
(core/text.py), with the typed numbers removed because the system numbers.

- A paragraph starts at a typed number: "2.1", "2.1.", "2.1)" (also after a
  Word list marker, "- 2.1."), or, when the text has no such numbers, "1." /
  "1)" as in the recommendations. With no numbers at all, blank lines separate
  paragraphs.
- Bullets ("•", "o", "-", "–", "*" and Word's symbol-font bullets) become a
  Markdown list ("- item"); lettered items "(a) …" / "a) …" stay "(a)" lines, the
  form's own list style.
- Line breaks inside a paragraph are joined. A paragraph broken by a page break
  (a blank line, the rest starting in lower case after words that do not end a
  sentence) joins up again, even when Word put a list marker before the rest.
- Rows of tab-separated cells (a table copied from Word) become a simple table.
- Word's characters are tidied: "\\r\\n", non-breaking and other odd spaces,
  tabs after numbers, zero-width characters, soft hyphens. Smart quotes and
  dashes inside the text are kept as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from core.errors import DomainError, Messages
from core.text import clean_source, html_tag_in


@dataclass(frozen=True)
class PastedParagraph:
    """One paragraph found in pasted text.

    text: its Markdown-light text, typed number removed; number: the number as
    typed without its trailing "." or ")" ("2.1"), or None when it had none.
    """

    text: str
    number: str | None


# Spaces Word and PDFs paste in place of ordinary ones.
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Word's bullets: round, hollow "o" (second level), squares, dashes, stars and
# the private-use characters of the Symbol and Wingdings fonts.
_BULLETS = "•◦▪▫■□●○‣⁃∙·*\\-–—\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8"
_BULLET = re.compile(rf"^(?P<marker>[{_BULLETS}]|o(?=\s))\s+(?P<rest>\S.*)$")
_DEEP_BULLETS = {"o", "◦", "○", "▪", "▫", "\uf0a7"}
# "2.1", "2.1.", "2.1)", "10.12.3." followed by a space or tab.
_MULTI_NUMBER = re.compile(
    r"^(?P<number>\d{1,3}(?:\.\d{1,3})+)(?P<end>[.)]?)(?P<gap>\s+)(?P<rest>\S.*)$"
)
# "1." or "1)" (or "1" then a tab, as Word's list numbers paste).
_SINGLE_NUMBER = re.compile(r"^(?P<number>\d{1,3})(?:(?P<end>[.)])\s+|\t+)(?P<rest>\S.*)$")
_LETTERED = re.compile(r"^\(?(?P<letter>[a-z]{1,2}|[ivx]{1,5})\)\s+(?P<rest>\S.*)$")
_MARKDOWN_TABLE_ROW = re.compile(r"^\|.*\|$")
_SENTENCE_END = re.compile(r"[.:;!?…)\]\"'”’]$")


@dataclass
class _Paragraph:
    number: str | None
    # Blocks in order: ("text", [text]), ("bullets", [(depth, text)]),
    # ("letters", [(letter, text)]), ("ordered", [(number, text)]), ("table", [[cells]]),
    # ("rows", [Markdown table rows as written]).
    blocks: list[tuple[str, list]] = field(default_factory=list)
    # The last block was interrupted by a blank line.
    gap: bool = False

    def add(self, kind: str, item: object) -> None:
        # Each text block is one Word paragraph; list items gather into one list.
        if self.blocks and self.blocks[-1][0] == kind and kind != "text":
            self.blocks[-1][1].append(item)
        else:
            self.blocks.append((kind, [item]))
        self.gap = False

    def last_text(self) -> str:
        if not self.blocks:
            return ""
        kind, items = self.blocks[-1]
        last = items[-1]
        if kind == "text":
            return last
        if kind in ("bullets", "letters", "ordered"):
            return last[1]
        return ""

    def extend_last(self, words: str) -> None:
        kind, items = self.blocks[-1]
        if kind == "text":
            items[-1] = f"{items[-1]} {words}"
        else:
            marker, text = items[-1]
            items[-1] = (marker, f"{text} {words}")
        self.gap = False

    def markdown(self) -> str:
        rendered = []
        for kind, items in self.blocks:
            if kind == "text":
                rendered.append(" ".join(items))
            elif kind == "bullets":
                rendered.append("\n".join(f"{'  ' * depth}- {text}" for depth, text in items))
            elif kind == "letters":
                rendered.append("\n".join(f"({letter}) {text}" for letter, text in items))
            elif kind == "rows":
                rendered.append("\n".join(items))
            elif kind == "ordered":
                rendered.append("\n".join(f"{number}. {text}" for number, text in items))
            else:
                rendered.append(_table_markdown(items))
        return "\n\n".join(block for block in rendered if block)


def _joins(previous: str, line: str) -> bool:
    """A new line continues the previous one (a wrapped line) rather than
    starting a new Word paragraph: the previous line does not end a sentence,
    or this one starts in lower case."""
    return not _SENTENCE_END.search(previous) or line[:1].islower()


def _normalised_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u2028\u2029\x0b\x0c]", "\n", text)
    text = _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))
    text = _CONTROL.sub("", text)
    lines = [line.rstrip(" ") if line.strip() else "" for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _table_markdown(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(padded[0]), line(["---"] * width), *(line(row) for row in padded[1:])])


def _strip_marker(line: str) -> str:
    """A Word list marker before a number or letter ("- 2.1. …", "• (a) …") goes."""
    match = _BULLET.match(line)
    if match and (_MULTI_NUMBER.match(match["rest"]) or _SINGLE_NUMBER.match(match["rest"])):
        return match["rest"]
    if match and _LETTERED.match(match["rest"]):
        return match["rest"]
    return line


def _multi_numbers(lines: list[str]) -> list[str]:
    """The paragraph numbers typed as such ("2.1." "2.1)" "2.1<tab>"), or,
    when there are none, every "2.1 " at the start of a line."""
    strong, weak = [], []
    for line in lines:
        stripped = line.strip()
        match = _MULTI_NUMBER.match(_strip_marker(stripped))
        if match:
            typed = match["end"] or "\t" in match["gap"] or _strip_marker(stripped) != stripped
            (strong if typed else weak).append(match["number"])
    return strong or weak


def _section_prefix(numbers: list[str], section_number: int | None) -> str | None:
    """The first part of the paragraph numbers ("2" of "2.1") this text uses."""
    prefixes = [number.split(".")[0] for number in numbers]
    if section_number is not None and str(section_number) in prefixes:
        return str(section_number)
    return prefixes[0] if prefixes else None


def _next_after(number: str | None) -> set[str]:
    """Numbers that may follow `number` ("2.3" → "2.4", "2.3.1", "3.1"...)."""
    if number is None:
        return set()
    parts = number.split(".")
    following = {".".join([*parts[:-1], str(int(parts[-1]) + 1)]), number + ".1"}
    if len(parts) > 1:
        following.add(".".join([*parts[:-2], str(int(parts[-2]) + 1)]))
    return following


class _Splitter:
    def __init__(self, lines: list[str], section_number: int | None) -> None:
        self.lines = lines
        self.prefix = _section_prefix(_multi_numbers(lines), section_number)
        self.paragraphs: list[_Paragraph] = []
        self.blank_before = False
        self.position = 0
        self.top_bullet = ""
        # The line being read starts with two spaces or more (a nested Markdown item).
        self.indented = False
        # With no numbers and no blank lines, each Word paragraph is a line.
        self.one_per_line = (
            self.prefix is None
            and "" not in lines
            and not any(_SINGLE_NUMBER.match(_strip_marker(line.strip())) for line in lines)
        )

    def paragraph_number(self, line: str) -> tuple[str, str] | None:
        """(number, rest) when the line starts a numbered paragraph."""
        candidate = _strip_marker(line)
        last = next((p.number for p in reversed(self.paragraphs) if p.number), None)
        if self.prefix is not None:
            match = _MULTI_NUMBER.match(candidate)
            if not match or match["number"].split(".")[0] != self.prefix:
                return None
            typed_as_number = match["end"] or "\t" in match["gap"] or candidate != line
            if typed_as_number or last is None or match["number"] in _next_after(last):
                return match["number"], match["rest"]
            return None
        match = _SINGLE_NUMBER.match(candidate)
        if match:
            return match["number"], match["rest"]
        return None

    def current(self) -> _Paragraph:
        if not self.paragraphs:
            self.paragraphs.append(_Paragraph(number=None))
        return self.paragraphs[-1]

    def continues_across_break(self, line: str) -> bool:
        """A page break split the paragraph: the rest starts in lower case after
        words that do not end a sentence (with or without a list marker)."""
        if not self.paragraphs or not self.paragraphs[-1].blocks:
            return False
        paragraph = self.paragraphs[-1]
        if paragraph.blocks[-1][0] not in ("text", "letters"):
            return False
        bullet = _BULLET.match(line)
        rest = bullet["rest"] if bullet and bullet["marker"] in "-–" else line
        if bullet and rest is line:
            return False
        ended = _SENTENCE_END.search(paragraph.last_text())
        return bool(rest[:1].islower()) and not ended

    def feed(self, index: int) -> None:
        self.position = index
        # Trailing tabs are kept: they are the empty last cells of a table row.
        line = self.lines[index].lstrip().rstrip(" ")
        if not line:
            if self.paragraphs:
                self.paragraphs[-1].gap = True
            self.blank_before = True
            return
        raw = self.lines[index]
        self.indented = len(raw) - len(raw.lstrip(" ")) >= 2
        numbered = self.paragraph_number(line)
        if numbered:
            number, rest = numbered
            self.paragraphs.append(_Paragraph(number=number))
            self.add_line(rest.strip())
        elif self.blank_before and self.continues_across_break(line):
            bullet = _BULLET.match(line)
            self.paragraphs[-1].extend_last(bullet["rest"] if bullet else line)
        elif self.prefix is None and not self.numbered_singles() and self.starts_unnumbered(line):
            # No numbers anywhere: a blank line (or, with none, a new line after
            # the end of a sentence) starts the next paragraph.
            self.paragraphs.append(_Paragraph(number=None))
            self.add_line(line)
        else:
            self.add_line(line)
        self.blank_before = False

    def starts_unnumbered(self, line: str) -> bool:
        if not self.paragraphs:
            return True
        if self.one_per_line:
            return not _joins(self.paragraphs[-1].last_text(), line)
        return self.blank_before

    def numbered_singles(self) -> bool:
        return any(p.number for p in self.paragraphs)

    def add_line(self, line: str) -> None:
        paragraph = self.current()
        line = _strip_marker(line)
        lettered = _LETTERED.match(line)
        bullet = _BULLET.match(line)
        ordered = _SINGLE_NUMBER.match(line) if self.prefix is not None else None
        if _MARKDOWN_TABLE_ROW.match(line):
            # A table as Markdown-light writes it (the box holding a saved section).
            paragraph.add("rows", line)
            return
        if "\t" in line and not (bullet or lettered or ordered):
            cells = [cell.strip() for cell in line.split("\t")]
            if paragraph.blocks and paragraph.blocks[-1][0] == "table" and not paragraph.gap:
                paragraph.add("table", cells)
                return
            if self.next_is_table_row():
                paragraph.add("table", cells)
                return
            line = re.sub(r"\s+", " ", line)
        line = re.sub(r"[ \t]+", " ", line).strip()
        if lettered:
            paragraph.add("letters", (lettered["letter"], re.sub(r"\s+", " ", lettered["rest"])))
        elif bullet:
            last_kind = paragraph.blocks[-1][0] if paragraph.blocks else None
            if last_kind != "bullets":
                self.top_bullet = bullet["marker"]
            # Word's "o" (and squares) are the second level under another bullet, as
            # is an indented item.
            deep = last_kind == "bullets" and (
                self.indented
                or (bullet["marker"] in _DEEP_BULLETS and self.top_bullet not in _DEEP_BULLETS)
            )
            paragraph.add("bullets", (1 if deep else 0, re.sub(r"\s+", " ", bullet["rest"])))
        elif ordered and ordered["end"]:
            paragraph.add("ordered", (ordered["number"], re.sub(r"\s+", " ", ordered["rest"])))
        elif self.continues_block(paragraph, line):
            paragraph.extend_last(line)
        else:
            paragraph.add("text", line)

    @staticmethod
    def continues_block(paragraph: _Paragraph, line: str) -> bool:
        if not paragraph.blocks or paragraph.gap or paragraph.blocks[-1][0] in ("table", "rows"):
            return False
        return _joins(paragraph.last_text(), line)

    def next_is_table_row(self) -> bool:
        """A row of cells is a table when the next line is one too."""
        following = self.lines[self.position + 1 : self.position + 2]
        return bool(following) and "\t" in following[0] and not _BULLET.match(following[0])

    def split(self) -> list[PastedParagraph]:
        for index in range(len(self.lines)):
            self.feed(index)
        result = []
        for paragraph in self.paragraphs:
            text = paragraph.markdown().strip()
            if text:
                result.append(PastedParagraph(text=text, number=paragraph.number))
        return result


def paragraphs_from_pasted_text(
    text: str, *, section_number: int | None = None
) -> list[PastedParagraph]:
    """The paragraphs of a pasted section, in order (see the module docstring).

    section_number: the section being pasted (2 for "2.1 …"); None for the
    recommendations, numbered "1.", "2." …. Paragraph numbers of another section
    are still recognised when the text uses no numbers of this one.
    """
    return _Splitter(_normalised_lines(text), section_number).split()


# The most paragraphs one paste may give a section (or recommendations a decision).
PASTE_MAX_PARAGRAPHS = 200


def pasted_paragraphs_checked(
    text: str, *, section_number: int | None, what: str, max_length: int
) -> list[PastedParagraph]:
    """The paragraphs of the text, or a DomainError for the box ("text") saying why
    they cannot be saved: nothing typed, HTML, a paragraph over ``max_length``, too
    many paragraphs. ``what``: "section 2" or "the recommendations"."""
    tag = html_tag_in(text)
    if tag:
        raise DomainError(Messages.HTML_NOT_ALLOWED, field="text", label="The text", tag=tag)
    paragraphs = [
        PastedParagraph(text=clean_source(p.text), number=p.number)
        for p in paragraphs_from_pasted_text(text, section_number=section_number)
    ]
    paragraphs = [p for p in paragraphs if p.text]
    if not paragraphs:
        raise DomainError(Messages.PASTE_REQUIRED, field="text", what=what)
    if len(paragraphs) > PASTE_MAX_PARAGRAPHS:
        raise DomainError(
            Messages.PASTE_TOO_MANY,
            field="text",
            what=what[0].upper() + what[1:],
            limit=PASTE_MAX_PARAGRAPHS,
            count=len(paragraphs),
        )
    for position, paragraph in enumerate(paragraphs, start=1):
        if len(paragraph.text) > max_length:
            which = f"Paragraph {section_number}.{position}" if section_number else None
            raise DomainError(
                Messages.PASTE_PARAGRAPH_TOO_LONG,
                field="text",
                which=which or f"Recommendation {position}",
                length=f"{len(paragraph.text):,}",
                limit=f"{max_length:,}",
            )
    return paragraphs
