"""Finding the DMPC decision form's parts in a Word document.

The form is read top to bottom; its headings ("Executive Summary:", "1. Introduction
and background", "Public access to information", …) say where the text that follows
belongs, whatever their style (a Word heading, a bold line, a number typed or
Word's own). Everything else is placed by where it stands, or kept as "not placed"
with the reason, for the officer to place: nothing is dropped without being shown.
Wording the form prints for everyone (the header, the signature statements, the
public access notes) is recognised and left, as the system prints its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from decisions.models import LeadIn, SectionKind
from decisions.wordform.parts import (
    BudgetFigures,
    Declarations,
    after_label,
    budget_figures,
    normalised,
    parse_date,
    split_section,
    yes_no,
)
from decisions.wordform.reading import Block, Grid, Line

_SECTION_NAMES: dict[str, int] = {normalised(kind.label): kind.value for kind in SectionKind} | {
    "introduction": 1,
    "background and introduction": 1,
    "financial implications": 3,
    "finance comments": 3,
    "legal implications": 4,
    "commercial comments": 5,
    "gdpr/data privacy": 7,
    "data privacy": 7,
    "equalities comments": 8,
    "equality implications": 8,
    "equalities": 8,
    "background papers": 9,
    "supporting papers": 9,
    "background/supporting papers": 9,
}
_NUMBER_PREFIX = re.compile(r"^(?:section\s+)?(\d{1,2})(?:[.)]|\s)\s*", re.IGNORECASE)
_TYPE_HEADING = re.compile(
    r"^(?P<who>dmpc|ceo|chief executive(?: officer)?)\s+decision\b[\s\-:]*"
    r"(?P<ref>(?:pcd|ceod)\s*\d+)?",
    re.IGNORECASE,
)
_FORM_HEADER = {
    "mayor of london",
    "office for policing and crime",
    "mayor of london office for policing and crime",
}
# The wording the form prints in its signature blocks and public-access notes.
_FORM_WORDING = (
    "i confirm i have considered whether or not i have any personal",
    "the above request has my approval",
    "i have been consulted about the proposal",
    "signature",
    "date",
    "information in this form (part 1) is subject to the freedom of information",
    "if immediate publication risks compromising",
    "only the facts or advice considered as likely to be exempt",
    "any such interests are recorded below",
)
_STATE_WHERE = {
    "start": "Before the title",
    "title": "Title",
    "summary": "Executive summary",
    "recommendations": "Recommendations",
    "approval": "The Deputy Mayor's declaration",
    "part1": "Part I, before section 1",
    "public_access": "Public access to information",
    "deferral": "Part 1 deferral",
    "part2": "Part 2 confidentiality",
    "declarations": "Originating officer declaration",
    "closing": "The Chief Executive's declaration",
}


@dataclass
class Unplaced:
    where: str
    text: str
    reason: str


@dataclass
class WordForm:
    """What the form says, ready for the drafting services."""

    type_code: str | None = None
    type_heading: str = ""
    title: str = ""
    summary: str = ""
    lead_in: str | None = None
    lead_in_text: str = ""
    recommendations: list[str] = field(default_factory=list)
    # kind -> [(text, budget table follows)]
    sections: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)
    section_headings: dict[int, str] = field(default_factory=dict)
    appendices: list[str] = field(default_factory=list)
    deferred: bool | None = None
    deferral_reason: str = ""
    deferred_until: dt.date | None = None
    deferral_date_text: str = ""
    has_part2: bool | None = None
    declarations: dict[str, tuple[str, bool]] = field(default_factory=dict)
    budget: BudgetFigures | None = None
    budget_after: str = ""  # the paragraph the budget table follows ("3.2")
    unplaced: list[Unplaced] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # form wording recognised, not imported
    landmarks: set[str] = field(default_factory=set)

    @property
    def is_decision_form(self) -> bool:
        """Enough of the form's own headings to be sure this is the form."""
        return len(self.landmarks) >= 3


def _section_of(text: str) -> int | None:
    norm = normalised(text)
    match = _NUMBER_PREFIX.match(norm)
    name = norm[match.end() :] if match else norm
    return _SECTION_NAMES.get(name.strip(" .:"))


def _is_form_wording(text: str) -> bool:
    norm = normalised(text)
    return any(norm.startswith(wording) for wording in _FORM_WORDING)


class _Reader:
    def __init__(self) -> None:
        self.form = WordForm()
        self.state = "start"
        self.summary: list[Line | Grid] = []
        self.recommendations: list[Line | Grid] = []
        self.sections: dict[int, list[Line | Grid]] = {}
        self.declarations = Declarations()
        self.pending: str | None = None  # a question whose answer is on the next line

    # -- landmarks --------------------------------------------------------------------

    def landmark(self, line: Line) -> bool:
        """Move to the part this line heads; True if it was a heading (or form header)."""
        text, norm, form = line.plain, normalised(line.plain), self.form
        if self.state == "start" and norm in _FORM_HEADER:
            form.left.append(line.plain)
            return True
        typed = _TYPE_HEADING.match(norm) if self.state in ("start", "title") else None
        if typed:
            who = typed["who"].lower()
            form.type_code = "PCD" if who == "dmpc" else "CEOD"
            form.type_heading = text
            form.landmarks.add("type")
            return True
        if norm.startswith("title:") and not form.title:
            form.title = text.split(":", 1)[1].strip()
            self.state = "title"
            return True
        for heading, state, landmark in (
            ("executive summary", "summary", "summary"),
            ("recommendations", "recommendations", "recommendations"),
            ("recommendation", "recommendations", "recommendations"),
        ):
            if norm == heading or norm.startswith(heading + ":"):
                self.state = state
                form.landmarks.add(landmark)
                rest = text.split(":", 1)[1].strip() if ":" in text else ""
                if rest:
                    self.take(Line(text=rest, plain=rest))
                return True
        before_part1 = self.state in ("start", "title", "summary", "recommendations", "approval")
        approvers = ("deputy mayor for policing and crime", "dmpc", "chief executive officer")
        if before_part1 and norm in approvers:
            self.state = "approval"
            return True
        if re.match(r"^part (i|1)\b.*non-confidential", norm):
            self.state = "part1"
            form.landmarks.add("part1")
            return True
        late = self.state in ("public_access", "deferral", "part2", "declarations", "closing")
        kind = _section_of(text) if not late and len(norm) < 80 else None
        if kind is not None:
            self.state = f"section-{kind}"
            form.section_headings[kind] = text
            self.sections.setdefault(kind, [])
            form.landmarks.add("sections")
            return True
        if norm == "public access to information":
            self.state = "public_access"
            form.landmarks.add("public_access")
            return True
        if norm.startswith("part 1 deferral"):
            self.state = "deferral"
            return True
        if norm.startswith("part 2 confidentiality"):
            self.state = "part2"
            return True
        if norm.startswith("originating officer declaration"):
            self.state = "declarations"
            form.landmarks.add("declarations")
            return True
        if late and norm in ("chief executive officer", "chief executive"):
            self.state = "closing"
            return True
        return False

    # -- the parts ----------------------------------------------------------------------

    def unplaced(self, text: str, reason: str) -> None:
        where = _STATE_WHERE.get(self.state, self.state)
        self.form.unplaced.append(Unplaced(where=where, text=text, reason=reason))

    @staticmethod
    def question_of(line: Line) -> tuple[str, str] | None:
        """(which public access question, the answer written after it) or None."""
        norm, text = normalised(line.plain), line.plain
        if norm.startswith("is the publication") and "deferred" in norm:
            return "deferred", after_label(text)
        if norm.startswith("if yes, for what reason"):
            return "reason", after_label(text)
        if norm.startswith("until what date"):
            return "until", after_label(text)
        if norm.startswith("is there a part 2"):
            rest = re.split(r"part 2(?:\s+form)?", text, maxsplit=1, flags=re.IGNORECASE)[-1]
            return "part2", rest.strip(" -–—:?")
        return None

    def answer(self, line: Line) -> None:
        """The public access answers: yes/no, the reason and the date. An answer may
        follow its question on the same line or on the next."""
        form = self.form
        asked = self.question_of(line)
        if asked is None and self.pending is None:
            if _is_form_wording(line.plain):
                form.left.append(line.plain)
            else:
                self.unplaced(line.plain, "This is not one of the form's public access answers.")
            return
        question, value = asked or (self.pending, line.plain)
        self.pending = None
        value = value.strip()
        if not value:
            self.pending = question
        elif question in ("deferred", "part2"):
            answer = yes_no(value)
            if answer is None:
                self.unplaced(line.plain, "The answer is not Yes or No.")
            elif question == "deferred":
                form.deferred = answer
            else:
                form.has_part2 = answer
        elif question == "reason":
            form.deferral_reason = value
        else:
            form.deferral_date_text = value
            form.deferred_until = parse_date(value)

    def take(self, block: Block) -> None:
        state, form = self.state, self.form
        if state.startswith("section-"):
            self.sections[int(state.split("-")[1])].append(block)
            return
        if state == "declarations":
            if isinstance(block, Grid):
                self.declarations.take_grid(block)
            else:
                self.declarations.take(block.plain)
            return
        if isinstance(block, Grid):
            if normalised(block.cell_text(0, 0)).startswith("originating officer declaration"):
                self.state = "declarations"
                form.landmarks.add("declarations")
                self.declarations.take_grid(block)
                return
            for row in block.rows:
                for cell in row:
                    for line in cell:
                        if line.plain and not self.landmark(line):
                            self.take(line)
            return
        line = block
        if state == "title":
            form.title = f"{form.title} {line.plain}".strip()
        elif state == "summary":
            self.summary.append(line)
        elif state == "recommendations":
            norm = normalised(line.plain)
            if not self.recommendations and (
                norm.endswith("recommended to") or norm.endswith(" approves")
            ):
                form.lead_in = LeadIn.APPROVES if "approves" in norm else LeadIn.RECOMMENDED
                form.lead_in_text = line.plain
            else:
                self.recommendations.append(line)
        elif state in ("approval", "closing", "public_access"):
            if _is_form_wording(line.plain) or re.match(r"^date\b", normalised(line.plain)):
                form.left.append(line.plain)
            elif state == "public_access":
                self.unplaced(line.plain, "The form has no place for this text here.")
            else:
                self.unplaced(
                    line.plain,
                    "Signature blocks are filled in when the decision is signed here: a signer "
                    "records any interests then.",
                )
        elif state in ("deferral", "part2"):
            self.answer(line)
        elif state == "part1":
            self.unplaced(line.plain, "This text comes before section 1.")
        else:
            self.unplaced(line.plain, "This text comes before the form's title.")

    # -- the end -----------------------------------------------------------------------

    def finish(self) -> WordForm:
        form = self.form
        form.summary = "\n\n".join(split_section(self.summary, number=None))
        form.recommendations = split_section(self.recommendations, number=None)
        for kind, items in sorted(self.sections.items()):
            if kind == SectionKind.BACKGROUND:
                self.papers(items)
            else:
                form.sections[kind] = self.section(kind, items)
        for text in self.declarations.stray:
            form.unplaced.append(
                Unplaced(
                    _STATE_WHERE["declarations"], text, "It is under no declaration's heading."
                )
            )
        form.declarations = self.declarations.statements()
        return form

    def section(self, kind: int, items: list[Line | Grid]) -> list[tuple[str, bool]]:
        """The section's paragraphs; a budget table flags the paragraph before it."""
        paragraphs: list[tuple[str, bool]] = []
        chunk: list[Line | Grid] = []
        for item in [*items, None]:
            figures = budget_figures(item) if isinstance(item, Grid) else None
            if item is not None and figures is None:
                chunk.append(item)
                continue
            paragraphs += [(text, False) for text in split_section(chunk, number=kind)]
            chunk = []
            if figures is None:
                continue
            if self.form.budget is not None:
                self.form.unplaced.append(
                    Unplaced(
                        f"Section {kind}",
                        "\n".join("\t".join(row) for row in item.plain_rows),
                        "A second budget table: the budget step holds one per decision.",
                    )
                )
                continue
            self.form.budget = figures
            if paragraphs:
                paragraphs[-1] = (paragraphs[-1][0], True)
                self.form.budget_after = f"{kind}.{len(paragraphs)}"
        return paragraphs

    def papers(self, items: list[Line | Grid]) -> None:
        """Section 9 lists the background papers: each line is an appendix."""
        for item in items:
            if isinstance(item, Grid):
                for row in item.plain_rows:
                    self.form.appendices.append(" – ".join(cell for cell in row if cell))
            elif item.plain:
                title = re.sub(r"^9\.\d{1,2}[.)]?\s+", "", item.plain)
                self.form.appendices.append(title)


def word_form_read(blocks: list[Block]) -> WordForm:
    reader = _Reader()
    for block in blocks:
        if isinstance(block, Line):
            if not block.plain:
                continue  # blank lines carry nothing
            if reader.landmark(block):
                continue
        reader.take(block)
    return reader.finish()
