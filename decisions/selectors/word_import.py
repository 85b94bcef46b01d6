"""The import report of a draft started from a Word form, as its page shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from core.dates import uk_datetime
from decisions import extensions
from decisions.models import Decision, DraftImport
from decisions.selectors.drafting import Task


@dataclass(frozen=True)
class ImportRow:
    key: str
    value: str
    href: str


@dataclass(frozen=True)
class ImportReport:
    imported: DraftImport
    uploaded_at: str
    rows: list[ImportRow]
    notes: list[str]
    unplaced: list[dict[str, str]]
    budget: dict | None
    money_steps: list[Task]


def _step_href(decision: Decision, row: dict[str, str]) -> str:
    if not decision.is_editable or not row.get("step"):
        return ""
    kwargs = {"pk": decision.pk}
    if row.get("kind"):
        kwargs["kind"] = int(row["kind"])
    return reverse(f"drafting:{row['step']}", kwargs=kwargs)


def word_import_report(decision: Decision) -> ImportReport | None:
    """The report kept for this draft, or None if it was not started from a Word form."""
    imported = DraftImport.objects.select_related("uploaded_by").filter(decision=decision).first()
    if imported is None:
        return None
    report = imported.report
    budget = report.get("budget")
    return ImportReport(
        imported=imported,
        uploaded_at=uk_datetime(imported.created_at),
        rows=[
            ImportRow(row["what"], row["detail"], _step_href(decision, row))
            for row in report.get("placed", [])
        ],
        notes=report.get("notes", []),
        unplaced=report.get("unplaced", []),
        budget=budget,
        # Where the budget is entered: the steps apps on decisions add (funding's).
        money_steps=[t for t in extensions.tasks(decision) if t.href]
        if budget and decision.is_editable
        else [],
    )
