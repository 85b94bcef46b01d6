"""Reading an uploaded Word file: refuse what is not a plain .docx, then give its
body as blocks in document order, each paragraph with what Word knows of it.

Everything is read through python-docx's objects (paragraph styles, runs,
hyperlinks, tables, the numbering part): no XML of the document is parsed here.
Refusals raise DomainError on the ``file`` field and nothing is stored.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml.ns import nsmap, qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.paragraph import CT_P
from docx.package import Package
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from core.errors import DomainError, Messages

WORD_FORM_MAX_BYTES = 10 * 1024 * 1024
WORD_FORM_LIMIT_TEXT = "10 MB"
# A .docx is compressed: what it unpacks to is bounded too (a "zip bomb" of a few
# kilobytes must not fill the server's memory).
_UNPACKED_MAX_BYTES = 200 * 1024 * 1024
_MACRO_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-office.vbaProject",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLD_WORD_MAGIC = b"\xd0\xcf\x11\xe0"  # Word 97-2003 .doc (and other OLE files)
_LIST_STYLE = re.compile(r"^List (Bullet|Number|Continue)", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(Heading \d|Title|Subtitle)$", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One Word paragraph.

    text: Markdown-light (bold and italic runs, links); plain: its words only.
    list_format: Word's automatic numbering of the paragraph ("decimal",
    "lowerLetter", "bullet", …) or None; list_level: its level (0 = outermost).
    """

    text: str
    plain: str
    style: str = ""
    heading: bool = False
    list_format: str | None = None
    list_level: int = 0


@dataclass(frozen=True)
class Grid:
    """One Word table: each cell as its paragraphs."""

    rows: list[list[list[Line]]] = field(default_factory=list)

    def cell_text(self, row: int, column: int) -> str:
        cells = self.rows[row]
        return " ".join(line.plain for line in cells[column]) if column < len(cells) else ""

    @property
    def plain_rows(self) -> list[list[str]]:
        return [
            [" ".join(line.plain for line in cell).strip() for cell in row] for row in self.rows
        ]


Block = Line | Grid


def _refuse(template: str, **params: object) -> DomainError:
    return DomainError(template, field="file", **params)


def _checked_package(data: bytes) -> None:
    """Refuse by content: not a zip, a macro-enabled document, or one too big unpacked."""
    if data.startswith(_OLD_WORD_MAGIC):
        raise _refuse(Messages.WORD_FORM_OLD_DOC)
    if not data.startswith(_ZIP_MAGIC):
        raise _refuse(Messages.WORD_FORM_NOT_DOCX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(Messages.WORD_FORM_CORRUPT) from error
    if sum(member.file_size for member in members) > _UNPACKED_MAX_BYTES:
        raise _refuse(Messages.WORD_FORM_CORRUPT)
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        raise _refuse(Messages.WORD_FORM_MACROS)


def word_document_open(data: bytes) -> WordDocument:
    """The document, or DomainError saying why it cannot be taken."""
    if len(data) > WORD_FORM_MAX_BYTES:
        raise _refuse(Messages.WORD_FORM_TOO_LARGE, limit=WORD_FORM_LIMIT_TEXT)
    if not data:
        raise _refuse(Messages.WORD_FORM_EMPTY)
    _checked_package(data)
    try:
        package = Package.open(io.BytesIO(data))
        main_type = package.main_document_part.content_type
        if main_type in _MACRO_TYPES or any(
            part.content_type in _MACRO_TYPES for part in package.iter_parts()
        ):
            raise _refuse(Messages.WORD_FORM_MACROS)
        if main_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
            raise _refuse(Messages.WORD_FORM_NOT_DOCX)
        return Document(io.BytesIO(data))
    except DomainError:
        raise
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile, OSError, SyntaxError) as error:
        # lxml's XMLSyntaxError is a SyntaxError: a damaged part of the package.
        raise _refuse(Messages.WORD_FORM_CORRUPT) from error


# --- Paragraphs -------------------------------------------------------------------------


class _Numbering:
    """The number format of each (list, level), read from the numbering part."""

    def __init__(self, document: WordDocument) -> None:
        try:
            self._element = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self._element = None
        self._formats: dict[tuple[int, int], str | None] = {}

    def format(self, num_id: int, level: int) -> str | None:
        key = (num_id, level)
        if key not in self._formats:
            self._formats[key] = self._lookup(num_id, level)
        return self._formats[key]

    def _lookup(self, num_id: int, level: int) -> str | None:
        if self._element is None or num_id == 0:  # numId 0: numbering switched off
            return None
        try:
            abstract_id = self._element.num_having_numId(num_id).abstractNumId.val
        except KeyError:
            return None
        formats = self._element.xpath(
            f'./w:abstractNum[@w:abstractNumId="{int(abstract_id)}"]'
            f'/w:lvl[@w:ilvl="{int(level)}"]/w:numFmt/@w:val'
        )
        return str(formats[0]) if formats else "decimal"


def _numbering_of(paragraph: Paragraph) -> tuple[int, int] | None:
    """(numId, level) of the paragraph's automatic numbering: its own, or its style's."""
    style = paragraph.style
    sources = [paragraph._p.pPr]
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    num_id = level = None
    for properties in sources:
        number = properties.numPr if properties is not None else None
        if number is None:
            continue
        if num_id is None and number.numId is not None:
            num_id = number.numId.val
        if level is None and number.ilvl is not None:
            level = number.ilvl.val
    if num_id is None:
        return None
    return int(num_id), int(level or 0)


def _is_bold(run, paragraph: Paragraph) -> bool:
    if run.bold is not None:
        return run.bold
    style = paragraph.style
    while style is not None:
        if style.font.bold is not None:
            return style.font.bold
        style = style.base_style
    return False


def _emphasised(text: str, marker: str) -> str:
    """``**words**`` around the words, leaving the spaces outside (Markdown needs it)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _line(paragraph: Paragraph, numbering: _Numbering) -> Line:
    pieces: list[tuple[str, bool, bool]] = []  # (text, bold, italic)
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            words = item.text
            address = item.address or ""
            if words and address.startswith(("https://", "http://", "mailto:")):
                pieces.append((f"[{words}]({item.url})", False, False))
            else:
                pieces.append((words, False, False))
            continue
        pieces.append((item.text, _is_bold(item, paragraph), bool(item.italic)))
    plain = "".join(text for text, _bold, _italic in pieces)
    wholly_bold = bool(plain.strip()) and all(bold for text, bold, _ in pieces if text.strip())
    merged: list[tuple[str, bool, bool]] = []
    for text, bold, italic in pieces:
        bold = bold and not wholly_bold
        if merged and merged[-1][1:] == (bold, italic):
            merged[-1] = (merged[-1][0] + text, bold, italic)
        else:
            merged.append((text, bold, italic))
    markdown = ""
    for text, bold, italic in merged:
        if italic:
            text = _emphasised(text, "*")
        if bold:
            text = _emphasised(text, "**")
        markdown += text
    every = "".join(paragraph._p.xpath(".//w:t/text()"))
    if len(every.strip()) > len(plain.strip()):
        # Text in content controls, fields or tracked insertions, which runs and links
        # do not give: kept as plain words rather than lost.
        plain = markdown = every
    style = paragraph.style.name if paragraph.style is not None else ""
    numbered = _numbering_of(paragraph)
    list_format = numbering.format(*numbered) if numbered else None
    if list_format is None and _LIST_STYLE.match(style or ""):
        list_format = "bullet" if "bullet" in style.lower() else "decimal"
    return Line(
        text=markdown.strip(),
        plain=plain.strip(),
        style=style or "",
        heading=bool(_HEADING_STYLE.match(style or "")) or wholly_bold,
        list_format=list_format,
        list_level=numbered[1] if numbered else 0,
    )


def _grid(table: Table, numbering: _Numbering) -> Grid:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is given once per column it spans: keep it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append([_line(paragraph, numbering) for paragraph in cell.paragraphs])
        rows.append(cells)
    return Grid(rows=rows)


def _body_items(document: WordDocument):
    """The body's paragraphs and tables in order, also those inside content controls
    (a form's fill-in boxes), which python-docx's own iteration leaves out."""
    body = document._body
    for element in document.element.body.iterchildren():
        if isinstance(element, CT_P):
            yield Paragraph(element, body)
        elif isinstance(element, CT_Tbl):
            yield Table(element, body)
        elif element.tag == qn("w:sdt"):
            inner_items = element.xpath(
                "./w:sdtContent/w:p | ./w:sdtContent/w:tbl", namespaces=nsmap
            )
            for inner in inner_items:
                yield Paragraph(inner, body) if isinstance(inner, CT_P) else Table(inner, body)


def word_blocks(document: WordDocument) -> list[Block]:
    """The body's paragraphs and tables in document order (headers and footers,
    which carry page numbers and the form's running title, are not the body)."""
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for item in _body_items(document):
        if isinstance(item, Paragraph):
            blocks.append(_line(item, numbering))
        else:
            blocks.append(_grid(item, numbering))
    return blocks
