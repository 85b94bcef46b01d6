"""manage.py import_archive FOLDER [--dry-run] [--user USERNAME]

Brings in decisions taken before the system from FOLDER/manifest.csv (UTF-8, a
header row, one decision a row; README "Import the archive"). Each row is imported
on its own (one transaction each): good rows land, every bad row is reported with
its row number (the header is row 1) and the reason. A dry run writes nothing and
says what each row would do. Importing the same folder again changes nothing.

It runs here, not on the task queue (the back office's page queues its one record:
decisions/services/archive_queue.py): the folder is on the machine where the command
runs, which a worker elsewhere cannot read, and whoever runs it is there for the
per-row report and the exit status a script checks.

Exit status: 0 when every row was imported or was already there (or, in a dry run,
would be); 1 when any row was refused, so a script or CI notices; 2 for a folder or
manifest that cannot be read at all (nothing is imported).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from core.errors import DomainError
from decisions import policy
from decisions.services.archive import archived_decision_check, archived_decision_import
from decisions.services.archive_checks import parse_archive_date

COLUMNS = (
    "reference",
    "title",
    "date_signed",
    "date_published",
    "decision_by",
    "summary",
    "recommendations",
    "document",
    "source_url",
)
REQUIRED_COLUMNS = ("reference", "title", "date_signed", "date_published", "decision_by")
PROGRESS_EVERY = 50
DEFAULT_USER = "records"


class ManifestError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def _document(folder: Path, name: str) -> bytes | None:
    """The named file's bytes, or None when it is not in the folder (the service
    then refuses the row, naming the file). Never a path outside the folder."""
    if not name:
        return None
    path = (folder / name).resolve()
    if path.parent != folder.resolve() or not path.is_file():
        return None
    return path.read_bytes()


def _fields(folder: Path, row: dict[str, str]) -> dict:
    name = (row.get("document") or "").strip()
    return {
        "reference": row.get("reference") or "",
        "title": row.get("title") or "",
        "date_signed": parse_archive_date(
            row.get("date_signed"), field="date_signed", label="date signed"
        ),
        "date_published": parse_archive_date(
            row.get("date_published"), field="date_published", label="date published"
        ),
        "decision_by": row.get("decision_by") or "",
        "summary": row.get("summary") or "",
        "recommendations": row.get("recommendations") or "",
        "document_bytes": _document(folder, name),
        "document_name": name,
        "source_url": row.get("source_url") or "",
    }


class Command(BaseCommand):
    help = "Import decisions taken before the system from FOLDER/manifest.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="A folder holding manifest.csv and the PDFs it names.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; change nothing."
        )
        parser.add_argument(
            "--user",
            default=DEFAULT_USER,
            help=f"The records manager the import is recorded as (default: {DEFAULT_USER}).",
        )

    def handle(self, *args, folder: str, dry_run: bool, user: str, **options) -> None:
        acting = User.objects.filter(username=user).first()
        if acting is None or not policy.can_import(acting):
            raise ManifestError(f"{user} is not a records manager: give one with --user.")
        rows = self._rows(Path(folder))
        counts = {"imported": 0, "unchanged": 0, "would be imported": 0, "refused": 0}
        seen: dict[str, int] = {}
        for number, row in rows:
            status = self._one(Path(folder), number, row, acting, dry_run=dry_run, seen=seen)
            counts[status] += 1
            done = sum(counts.values())
            if done % PROGRESS_EVERY == 0 and done < len(rows):
                self.stdout.write(f"… {done} of {len(rows)} rows read")
        self.stdout.write(self._summary(counts, total=len(rows), dry_run=dry_run))
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} row(s) could not be imported.", returncode=1)

    def _rows(self, folder: Path) -> list[tuple[int, dict[str, str]]]:
        manifest = folder / "manifest.csv"
        if not manifest.is_file():
            raise ManifestError(f"There is no manifest.csv in {folder}.")
        try:
            with manifest.open(encoding="utf-8-sig", newline="") as opened:
                reader = csv.DictReader(opened)
                missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise ManifestError(
                        f"manifest.csv has no {', '.join(missing)} column: the header row "
                        f"names the columns ({', '.join(COLUMNS)})."
                    )
                # Row 1 is the header, so the first decision is row 2.
                return list(enumerate(reader, start=2))
        except UnicodeDecodeError as error:
            raise ManifestError("manifest.csv is not UTF-8 text: save it as CSV UTF-8.") from error

    def _one(self, folder, number, row, acting, *, dry_run: bool, seen: dict[str, int]) -> str:
        reference = (row.get("reference") or "").strip() or "(no reference)"
        try:
            fields = _fields(folder, row)
            if dry_run:
                outcome = archived_decision_check(user=acting, **fields)
            else:
                outcome = archived_decision_import(user=acting, **fields)
        except DomainError as error:
            self.stdout.write(f"Row {number}: {reference}: not imported: {error.message}")
            return "refused"
        note = ""
        if dry_run and outcome.reference in seen:
            # Not yet imported, so not compared: the import compares the two rows.
            note = f" (row {seen[outcome.reference]} has the same reference: it must be the same)"
        seen.setdefault(outcome.reference, number)
        self.stdout.write(f"Row {number}: {outcome.reference}: {outcome.status}{note}")
        return outcome.status

    @staticmethod
    def _summary(counts: dict[str, int], *, total: int, dry_run: bool) -> str:
        if dry_run:
            return (
                f"Dry run, nothing changed: {total} rows, {counts['would be imported']} would be "
                f"imported, {counts['unchanged']} already there, {counts['refused']} refused."
            )
        return (
            f"{total} rows: {counts['imported']} imported, {counts['unchanged']} already there "
            f"(unchanged), {counts['refused']} refused."
        )
