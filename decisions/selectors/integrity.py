"""Is the record as it was written? The one check of the audit seals and chains,
shared by ``manage.py verify_audit``, the history page and the public pages.

Each check returns ``Break``s naming the table, the row (or the file) and what
differs, in the order rows were written, so the first one is the first broken
row. Checks:

- the event log's two chains and each event's seal (decisions/services/events.py);
- every history table's chain and each row's seal (core/history.py), and that
  every live row of an audited model still equals its last history row (a change
  made by SQL writes no history row: this names the row and the field);
- every approved decision: today's content digest against each signature's and
  the approval event's, each sign-off's seal, the published record's seal, and an
  archived record's own seal (decisions/digest.py);
- every stored file (published PDFs, appendices) against its recorded SHA-256.

The public pages use ``published_record_problem``: digests and seals only, from
what the page has already read, in a fixed number of queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from core.history import UNSEALED_FIELDS, ChainedHistory, history_row_seal
from core.seals import field_value, seals_equal
from core.security_log import security_event
from core.storage import READ_ERRORS, read_verified
from decisions.digest import archive_seal, decision_content_digest, record_seal, sign_off_seal
from decisions.models import (
    Appendix,
    ArchivedRecord,
    Decision,
    DecisionEvent,
    PublishedDocument,
)
from decisions.services.events import event_seal
from decisions.workflow import COMMENT_ACTION, State

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Break:
    table: str
    row: str  # the row's id, or the file's name
    what: str  # in words, for people (fields by their verbose names)
    field: str = ""  # the field that differs, when known

    def __str__(self) -> str:
        field = f" [{self.field}]" if self.field else ""
        return f"{self.table} {self.row}: {self.what}{field}"

    @property
    def sentence(self) -> str:
        """For pages: the kind of record by its name, never the table's."""
        model = _MODELS_BY_TABLE().get(self.table)
        kind = capfirst(str(model._meta.verbose_name)) if model else "Stored file"
        return f"{kind} {self.row}: {self.what}."


def _MODELS_BY_TABLE() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models()}


# --- The event log ------------------------------------------------------------------------

_EVENTS = DecisionEvent._meta.db_table


def _event_breaks(events: Iterable[DecisionEvent], *, whole_table: bool) -> Iterator[Break]:
    """Each event's seal and its link to the event before it in its decision (and,
    over the whole table, to the event before it in the table)."""
    last_in_table = ""
    last_of_decision: dict[int, str] = {}
    for event in events:
        if not event.row_hash or not seals_equal(event.row_hash, event_seal(event)):
            yield Break(_EVENTS, str(event.pk), "its fields no longer match its seal")
        if event.decision_prev_hash != last_of_decision.get(event.decision_id, ""):
            yield Break(
                _EVENTS,
                str(event.pk),
                f"the event before it of decision {event.decision_id} is missing or was changed",
            )
        if whole_table and event.table_prev_hash != last_in_table:
            yield Break(_EVENTS, str(event.pk), "the event before it in the log is missing")
        last_in_table = event.row_hash
        last_of_decision[event.decision_id] = event.row_hash


def event_log_breaks() -> list[Break]:
    return list(_event_breaks(DecisionEvent.objects.order_by("pk").iterator(), whole_table=True))


def decision_event_breaks(events: list[DecisionEvent]) -> list[Break]:
    """One decision's chain, from its events in the order written."""
    return list(_event_breaks(sorted(events, key=lambda e: e.pk), whole_table=False))


# --- History tables -----------------------------------------------------------------------


def audited_models() -> list[type[models.Model]]:
    """Every model with simple-history, in a fixed order."""
    found = [
        model
        for model in apps.get_models()
        if isinstance(getattr(model, "history", None), models.Manager)
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def _tracked_fields(history_model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in history_model._meta.concrete_fields
        if not field.attname.startswith("history_") and field.attname not in UNSEALED_FIELDS
    ]


def history_row_breaks(rows: Iterable[models.Model], *, whole_table: bool) -> Iterator[Break]:
    """Each history row's seal and (over the whole table) its link to the row before."""
    previous = ""
    for row in rows:
        table = row._meta.db_table
        if not row.row_hash or not seals_equal(row.row_hash, history_row_seal(row)):
            yield Break(table, str(row.history_id), "its fields no longer match its seal")
        if whole_table and row.prev_hash != previous:
            yield Break(table, str(row.history_id), "the history row before it is missing")
        previous = row.row_hash


def live_row_breaks(
    model: type[models.Model], live: Iterable[models.Model], records: Iterable | None = None
) -> Iterator[Break]:
    """Every live row against its last history row (``records``: its history rows
    in order, if read already): a change made without the application (by SQL) left
    no history row, so the field that differs is named."""
    history_model = model.history.model
    fields = _tracked_fields(history_model)
    rows = list(live)
    if records is None:
        ids = [row.pk for row in rows]
        records = history_model.objects.filter(id__in=ids).order_by("history_id")
    last = {record.id: record for record in records}  # the last one of each row wins
    for row in rows:
        record = last.get(row.pk)
        if record is None or record.history_type == "-":
            yield Break(model._meta.db_table, str(row.pk), "no recorded change made this row")
            continue
        for field in fields:
            live_field = model._meta.get_field(field.name)
            now = field_value(live_field, getattr(row, live_field.attname))
            then = field_value(field, getattr(record, field.attname))
            if now != then:
                yield Break(
                    model._meta.db_table,
                    str(row.pk),
                    f"its {live_field.verbose_name} differs from its last recorded change",
                    field=field.name,
                )


def history_breaks() -> list[Break]:
    """Every history table's chain, then every live row against its history."""
    breaks: list[Break] = []
    for model in audited_models():
        history_model = model.history.model
        if not issubclass(history_model, ChainedHistory):
            breaks.append(Break(history_model._meta.db_table, "-", "its rows are not chained"))
            continue
        rows = history_model.objects.order_by("history_id").iterator()
        breaks += history_row_breaks(rows, whole_table=True)
    for model in audited_models():
        breaks += live_row_breaks(model, model._default_manager.order_by("pk").iterator())
    return breaks


def decision_history_breaks(decision: Decision) -> list[Break]:
    """The decision's own rows against their last history rows, and the seals of
    those history rows (the tables' chains are checked whole by verify_audit)."""
    from decisions.models import (
        DecisionLink,
        OfficerDeclaration,
        Paragraph,
        Part2,
        Recommendation,
        Section,
        SignOff,
    )

    sources = [
        (Decision, Decision.objects.filter(pk=decision.pk)),
        (Recommendation, Recommendation.objects.filter(decision=decision)),
        (Section, Section.objects.filter(decision=decision)),
        (Paragraph, Paragraph.objects.filter(section__decision=decision)),
        (DecisionLink, DecisionLink.objects.filter(source=decision)),
        (Appendix, Appendix.objects.filter(decision=decision)),
        (OfficerDeclaration, OfficerDeclaration.objects.filter(decision=decision)),
        (SignOff, SignOff.objects.filter(decision=decision)),
        (Part2, Part2.objects.filter(decision=decision)),
        (ArchivedRecord, ArchivedRecord.objects.filter(decision=decision)),
    ]
    breaks: list[Break] = []
    for model, queryset in sources:
        live = list(queryset.order_by("pk"))
        ids = [row.pk for row in live]
        records = list(model.history.filter(id__in=ids).order_by("history_id"))
        breaks += history_row_breaks(records, whole_table=False)
        breaks += live_row_breaks(model, live, records)
    return breaks


# --- Approved decisions and their published record ----------------------------------------


def _signed_digest_breaks(decision: Decision, current: str) -> Iterator[Break]:
    for sign_off in decision.sign_offs.all():
        table = sign_off._meta.db_table
        if not sign_off.seal or not seals_equal(sign_off.seal, sign_off_seal(sign_off)):
            yield Break(table, str(sign_off.pk), "the signature no longer matches its seal")
        if not seals_equal(sign_off.content_digest, current):
            yield Break(
                Decision._meta.db_table,
                str(decision.pk),
                f"its content is not what the {sign_off.get_role_display()} signed",
            )


def _archive_seal_break(decision: Decision, archive: ArchivedRecord, current: str) -> Break | None:
    expected = archive_seal(decision, content_digest=current)
    if not archive.record_seal or not seals_equal(archive.record_seal, expected):
        return Break(
            ArchivedRecord._meta.db_table,
            str(archive.pk),
            "the archived record (reference, date or content) no longer matches its seal",
        )
    return None


def _record_seal_break(decision: Decision, current: str) -> Break | None:
    document = getattr(decision, "published_document", None)
    archive = decision.archive
    if archive is not None:
        # A decision taken before the system: its own seal, and its PDF's if it has one.
        found = _archive_seal_break(decision, archive, current)
        if found is not None or (document is None and not archive.has_document):
            return found
    if document is None:
        return Break(Decision._meta.db_table, str(decision.pk), "it has no published record")
    expected = record_seal(decision, document, content_digest=current)
    if not document.record_seal or not seals_equal(document.record_seal, expected):
        return Break(
            PublishedDocument._meta.db_table,
            str(document.pk),
            "the published record (approval, signatures or PDF hash) no longer matches its seal",
        )
    return None


def published_record_problem(decision: Decision) -> Break | None:
    """The first reason an approved decision's stored record is not what was signed
    and published, or None. Reads what ``full_decision`` prefetched, plus the
    content's few fixed queries (Part 2, money)."""
    current = decision_content_digest(decision)
    found = next(_signed_digest_breaks(decision, current), None)
    return found or _record_seal_break(decision, current)


def decision_record_breaks(decision: Decision) -> list[Break]:
    """Every break in an approved decision's record, for verify_audit and its history
    page: the signatures, the approval event's digest and the published record."""
    current = decision_content_digest(decision)
    breaks = list(_signed_digest_breaks(decision, current))
    approvals = decision.events.filter(to_state=State.APPROVED).exclude(action=COMMENT_ACTION)
    first = approvals.order_by("pk").first()
    if first is not None and not seals_equal(first.content_digest, current):
        breaks.append(Break(_EVENTS, str(first.pk), "its content is not what was approved"))
    record = _record_seal_break(decision, current)
    return breaks + ([record] if record else [])


# --- Stored files --------------------------------------------------------------------------


def stored_file_sha256(file) -> str | None:
    """The SHA-256 of a stored file, read in chunks; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with file.storage.open(file.name, "rb") as stored:
            while chunk := stored.read(_CHUNK):
                digest.update(chunk)
    except READ_ERRORS:  # missing, or object storage refusing or not answering
        return None
    return digest.hexdigest()


def file_break(table: str, file, recorded: str) -> Break | None:
    actual = stored_file_sha256(file)
    if actual is None:
        return Break(table, file.name, "the file is missing")
    if not recorded or not seals_equal(actual, recorded):
        return Break(table, file.name, "the file's SHA-256 is not the one recorded")
    return None


def file_breaks() -> list[Break]:
    found = [
        file_break(PublishedDocument._meta.db_table, document.file, document.sha256)
        for document in PublishedDocument.objects.order_by("pk")
    ] + [
        file_break(Appendix._meta.db_table, appendix.file, appendix.sha256)
        for appendix in Appendix.objects.exclude(file="").order_by("pk")
    ]
    return [found_break for found_break in found if found_break]


# --- Everything ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditResult:
    breaks: list[Break]
    events: int
    history_rows: int
    decisions: int
    files: int

    @property
    def intact(self) -> bool:
        return not self.breaks


def audit_everything() -> AuditResult:
    from decisions.selectors.public import full_decision

    breaks = event_log_breaks() + history_breaks()
    approved = full_decision(Decision.objects.approved().order_by("pk")).select_related(
        "published_document"
    )
    for decision in approved:
        breaks += decision_record_breaks(decision)
    files = file_breaks()
    return AuditResult(
        breaks=breaks + files,
        events=DecisionEvent.objects.count(),
        history_rows=sum(m.history.model.objects.count() for m in audited_models()),
        decisions=len(approved),
        files=PublishedDocument.objects.count() + Appendix.objects.exclude(file="").count(),
    )


# --- Before serving ------------------------------------------------------------------------


def _alert(found: Break, *, decision: Decision, request, served: str) -> None:
    security_event(
        "verify_failed",
        outcome="alert",
        request=request,
        served=served,
        reference=decision.reference,
        table=found.table,
        row=found.row,
        what=found.what,
    )


def published_record_alert(decision: Decision, *, request, served: str) -> Break | None:
    """``published_record_problem``, logging a security alert when there is one:
    the caller withholds the page rather than show altered text."""
    found = published_record_problem(decision)
    if found is not None:
        _alert(found, decision=decision, request=request, served=served)
    return found


def served_file_alert(
    decision: Decision, file, *, recorded: str, table: str, request, served: str
) -> Break | None:
    """Hash the stored file before serving it; log an alert when it is not the file
    recorded."""
    found = file_break(table, file, recorded)
    if found is not None:
        _alert(found, decision=decision, request=request, served=served)
    return found


def served_file_read(decision: Decision, file, *, recorded: str, table: str, request, served: str):
    """The stored file read once and checked (core.storage.read_verified): (the open
    copy, its size) to serve, or None after the alert naming the break."""
    found = read_verified(file, recorded)
    if found is None:
        served_copy_refused(
            decision, file, recorded=recorded, table=table, request=request, served=served
        )
    return found


def served_copy_refused(
    decision: Decision, file, *, recorded: str, table: str, request, served: str
) -> None:
    """A copy read to serve was not the file recorded (or none could be read): read
    it again to name the break (missing or altered); the alert is logged."""
    broken = file_break(table, file, recorded) or Break(table, file.name, "the file changed")
    _alert(broken, decision=decision, request=request, served=served)
