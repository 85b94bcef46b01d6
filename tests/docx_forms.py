"""Word files for the import tests, made with python-docx as an officer's Word would.

`pcd_1620_form()` lays out the seed form of PCD 1620 (/work/shared/seeds/pcd-1620.txt):
its Part I text is the seed's own, as held in tests/data/pcd-1620-paste/ (numbers
typed as on the form, the (a)/(b)/(c) list, the budget table as a Word table), a
paragraph split by the PDF's page break is one Word paragraph again; the rest (the
header, title, summary, the signature blocks, public access answers, the declaration
table with its ticks) is the seed's wording, from the demo's transcription of it.
Variants: Word's automatic numbering instead of typed numbers, plain bold lines
instead of Word headings, other heading wording and extra blank lines.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from decisions.models import SectionKind
from demo import pcd_1620

SAMPLES = Path(__file__).resolve().parent / "data" / "pcd-1620-paste"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TYPED_NUMBER = re.compile(r"^(\d+\.\d+)\.\s+")
_LETTER = re.compile(r"^\(([a-z])\)\s+")

# A multi-level list as Word's "1. / 1.1. / (a)" outline numbering makes it.
_LEVEL = (
    '<w:lvl w:ilvl="{}"><w:start w:val="1"/><w:numFmt w:val="{}"/><w:lvlText w:val="{}"/></w:lvl>'
)
_OUTLINE = (
    '<w:abstractNum {ns} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
    + _LEVEL.format(0, "decimal", "%1.")
    + _LEVEL.format(1, "decimal", "%1.%2.")
    + _LEVEL.format(2, "lowerLetter", "(%3)")
    + "</w:abstractNum>"
)


class FormWriter:
    def __init__(self, *, auto_numbers: bool, word_headings: bool, blank_lines: bool) -> None:
        self.document = docx.Document()
        self.auto_numbers = auto_numbers
        self.word_headings = word_headings
        self.blank_lines = blank_lines
        self.outline_id = self._outline() if auto_numbers else None

    def _outline(self) -> int:
        numbering = self.document.part.numbering_part.element
        # An abstractNum goes before the first num (the schema's order).
        numbering.num_lst[0].addprevious(parse_xml(_OUTLINE.format(ns=nsdecls("w"))))
        return numbering.add_num(90).numId

    def numbered(self, paragraph, level: int) -> None:
        properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = level
        properties.get_or_add_numId().val = self.outline_id

    def gap(self) -> None:
        if self.blank_lines:
            self.document.add_paragraph("")
            self.document.add_paragraph("   ")

    def heading(self, text: str, level: int = 2):
        self.gap()
        if self.word_headings:
            return self.document.add_heading(text, level=level)
        paragraph = self.document.add_paragraph()
        paragraph.add_run(text).bold = True
        return paragraph

    def para(self, text: str, style: str | None = None):
        return self.document.add_paragraph(text, style=style)

    def table(self, rows: list[list[str]]) -> None:
        table = self.document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for cells, row in zip(rows, table.rows, strict=True):
            for text, cell in zip(cells, row.cells, strict=False):
                cell.text = text

    def part1_section(self, kind: SectionKind) -> None:
        if self.auto_numbers:
            self.numbered(self.heading(kind.label), 0)
        else:
            self.heading(f"{kind.value}. {kind.label}")
        lines = (SAMPLES / f"section-{kind.value}.txt").read_text(encoding="utf-8").split("\n")
        words: list[str] = []  # Word paragraphs (a page break no longer splits one)
        rows: list[list[str]] = []
        for raw in lines:
            line = re.sub(r"^\s*- ", "", raw.rstrip("\n"))
            if "\t" in line:
                rows.append(line.split("\t"))
                continue
            if rows:
                words.append(rows)
                rows = []
            if not line.strip():
                continue
            if line[0].islower() and words:
                words[-1] = f"{words[-1]} {line.strip()}"
            else:
                words.append(line.strip())
        if rows:
            words.append(rows)
        for item in words:
            if isinstance(item, list):
                self.table(item)
                continue
            self.gap()
            typed, letter = _TYPED_NUMBER.match(item), _LETTER.match(item)
            if self.auto_numbers and typed:
                self.numbered(self.para(item[typed.end() :]), 1)
            elif self.auto_numbers and letter:
                self.numbered(self.para(item[letter.end() :]), 2)
            else:
                self.para(item)


def _declarations(writer: FormWriter) -> None:
    rows = [["ORIGINATING OFFICER DECLARATION", "Tick to confirm statement (✓)"]]
    for _kind, heading, statement in pcd_1620.DECLARATIONS:
        rows.append([f"{heading}:", ""])
        rows.append([statement, "✓"])
    writer.table(rows)
    # The GDPR row's statement is two lines of the cell on the form.
    table = writer.document.tables[-1]
    for row in table.rows:
        cell = row.cells[0]
        if cell.text.startswith("GDPR compliance issues"):
            first, second = cell.text.split(". ", 1)
            cell.text = first + "."
            cell.add_paragraph(second)


def pcd_1620_form(
    *,
    auto_numbers: bool = False,
    word_headings: bool = True,
    blank_lines: bool = False,
    summary_heading: str = "Executive Summary:",
    type_heading: str | None = "DMPC Decision - PCD 1620",
) -> bytes:
    """The seed's PCD 1620 decision form as a .docx (see the module docstring)."""
    writer = FormWriter(
        auto_numbers=auto_numbers, word_headings=word_headings, blank_lines=blank_lines
    )
    doc = writer.document
    doc.sections[0].footer.paragraphs[0].text = "PCD 1406 March 2023"
    doc.add_paragraph("MAYOR OF LONDON OFFICE FOR POLICING AND CRIME", style="Title")
    if type_heading:
        writer.heading(type_heading, 1)
    writer.para(f"Title: {pcd_1620.TITLE}")
    writer.heading(summary_heading)
    for paragraph in pcd_1620.EXECUTIVE_SUMMARY.split("\n\n"):
        writer.gap()
        writer.para(paragraph)
    writer.heading("Recommendation:")
    writer.para(pcd_1620.RECOMMENDATION_PREAMBLE)
    for line in (SAMPLES / "recommendations.txt").read_text(encoding="utf-8").splitlines():
        text = re.sub(r"^- ", "", line)
        if auto_numbers:
            writer.para(re.sub(r"^\d+\.\s+", "", text), style="List Number")
        else:
            writer.para(text)
    writer.heading("Deputy Mayor for Policing and Crime")
    writer.para(pcd_1620.DMPC_STATEMENT)
    writer.para(pcd_1620.DMPC_APPROVAL_LINE)
    writer.para("Signature")
    writer.para("Date 01/03/2024")
    writer.heading("PART I - NON-CONFIDENTIAL FACTS AND ADVICE TO THE DMPC", 1)
    for kind in SectionKind:
        if kind != SectionKind.BACKGROUND:
            writer.part1_section(kind)
    writer.heading("9. Background/supporting papers")
    for title in pcd_1620.APPENDICES:
        writer.para(title)
    writer.heading("Public access to information")
    for paragraph in pcd_1620.PUBLIC_ACCESS_STATEMENT.split("\n\n"):
        writer.para(paragraph)
    writer.heading("Part 1 Deferral:", 3)
    writer.para("Is the publication of Part 1 of this approval to be deferred? NO")
    writer.para("If yes, for what reason:")
    writer.para("Until what date:")
    part2 = writer.para("")
    part2.add_run("Part 2 Confidentiality:").bold = True
    part2.add_run(" " + pcd_1620.PART2_STATEMENT)
    writer.para("Is there a Part 2 form - NO")
    _declarations(writer)
    writer.heading("Chief Executive Officer")
    writer.para(pcd_1620.CHIEF_EXECUTIVE_STATEMENT)
    writer.para("Signature")
    writer.para("Date 27/02/2024")
    return saved(doc)


def saved(document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def not_a_decision_form() -> bytes:
    """A real .docx with other content: a meeting's minutes."""
    document = docx.Document()
    document.add_heading("Minutes of the team meeting", 1)
    document.add_paragraph("Present: the commissioning team.")
    document.add_paragraph("1. Actions from the last meeting were reviewed.")
    document.add_paragraph("2. Next meeting on Tuesday.")
    return saved(document)


def corrupt_docx() -> bytes:
    """The start of a real .docx, cut off: Word says it cannot open it."""
    whole = pcd_1620_form()
    return whole[: len(whole) // 3]


def macro_enabled(*, content_type: bool = True, project: bool = True) -> bytes:
    """The form saved as a macro-enabled document (.docm): its main part's content
    type says so (``content_type``) and it carries a VBA project (``project``)."""
    source = zipfile.ZipFile(io.BytesIO(pcd_1620_form()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_type:
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    b".main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            if item.filename == "[Content_Types].xml" and project:
                data = data.replace(
                    b'<Default Extension="xml"',
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                    b'vbaProject"/><Default Extension="xml"',
                )
            target.writestr(item, data)
        if project:
            target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    return out.getvalue()


def padded(form: bytes, size: int) -> bytes:
    """A real form made ``size`` bytes big by a large picture-like part."""
    out = io.BytesIO(form)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/big.bin", b"\0" * max(size - len(form), 0))
    return out.getvalue()
