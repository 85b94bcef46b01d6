"""A folder of archived decisions, as a records manager would prepare one: manifest.csv
and the signed originals as PDFs made here with WeasyPrint (tests/test_archive_*.py)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from weasyprint import HTML

from decisions.management.commands.import_archive import COLUMNS

# A phrase that is only inside PCD 1760's PDF, never in its title, summary or
# recommendations.
PDF_ONLY_PHRASE = "quokka resilience framework"


def pdf_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return HTML(string=f"<html lang='en'><body>{body}</body></html>").write_pdf()


def good_rows() -> list[dict[str, str]]:
    """Five decisions of several eras and wordings (both dates, only one, no PDF)."""
    return [
        {
            "reference": "PCD 1760",
            "title": "Violence reduction: grants to community projects 2025",
            "date_signed": "2025-01-14",
            "date_published": "2025-01-21",
            "decision_by": "Kaya Comer-Schwartz, Deputy Mayor for Policing and Crime",
            "summary": "Grants to community projects for violence reduction.",
            "recommendations": "Approve grants of £1.2m.\n\nDelegate the award to the Director.",
            "document": "pcd-1760.pdf",
            "source_url": "https://www.london.gov.uk/decisions/pcd-1760",
        },
        {
            "reference": "PCD 412",
            "title": "PCD 412 – Custody healthcare contract extension",
            "date_signed": "2018-06-05",
            "date_published": "2018-06-12",
            # The 2018 form's label, carried as it was published.
            "decision_by": "Authorisation name: Sophie Linden, Deputy Mayor for Policing and Crime",
            "summary": "Extends the custody healthcare contract by twelve months.",
            "recommendations": "Approve the extension.",
            "document": "pcd-412.pdf",
            "source_url": "",
        },
        {
            "reference": "PCD 71",
            "title": "Estates strategy 2013 to 2016",
            "date_signed": "2013-07-30",
            "date_published": "",
            "decision_by": "Stephen Greenhalgh, Deputy Mayor for Policing and Crime",
            "summary": "The estates strategy.",
            "recommendations": "",
            "document": "",
            "source_url": "",
        },
        {
            "reference": "CEOD 12",
            "title": "Office move",
            "date_signed": "",
            "date_published": "2016-03-02",
            "decision_by": "Helen Bailey, Chief Operating Officer",
            "summary": "Moves the office.",
            "recommendations": "Agree the move.",
            "document": "",
            "source_url": "https://example.org/ceod-12",
        },
        {
            "reference": "PCD 1100",
            "title": "Body worn video refresh",
            "date_signed": "2021-11-01",
            "date_published": "2021-11-08",
            "decision_by": "Sophie Linden, Deputy Mayor for Policing and Crime",
            "summary": "Replaces body worn video cameras.",
            "recommendations": "Approve the refresh.",
            "document": "pcd-1100.pdf",
            "source_url": "",
        },
    ]


def bad_rows(today: dt.date) -> list[dict[str, str]]:
    """One row for each reason a row is refused (the good rows still land)."""
    base = {"decision_by": "Someone, Deputy Mayor", "summary": "", "recommendations": "",
            "document": "", "source_url": "", "date_published": ""}  # fmt: skip
    future = (today + dt.timedelta(days=3)).isoformat()
    return [
        {**base, "reference": "PD 1599", "title": "Unknown series", "date_signed": "2019-01-01"},
        {**base, "reference": "PCD 1761", "title": "PCD 1762 – Mismatched",
         "date_signed": "2019-01-01"},
        {**base, "reference": "PCD 1763", "title": "From the future", "date_signed": future},
        {**base, "reference": "PCD 1764", "title": "Lost file", "date_signed": "2019-01-01",
         "document": "not-there.pdf"},
        {**base, "reference": "PCD 1765", "title": "Not a PDF", "date_signed": "2019-01-01",
         "document": "notes.pdf"},
    ]  # fmt: skip


def write_folder(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as opened:
        writer = csv.DictWriter(opened, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    documents = {
        "pcd-1760.pdf": pdf_bytes(
            "DMPC Decision – PCD 1760", f"The {PDF_ONLY_PHRASE} guides these grants."
        ),
        "pcd-412.pdf": pdf_bytes("PCD 412", "Authorisation name: Sophie Linden"),
        "pcd-1100.pdf": pdf_bytes("PCD 1100", "Body worn video."),
    }
    for name, content in documents.items():
        (folder / name).write_bytes(content)
    (folder / "notes.pdf").write_bytes(b"Just some notes, not a PDF at all.\n")
    return folder
