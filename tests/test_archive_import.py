"""manage.py import_archive and the archived_decision_import service (issue 13 part 3):
decisions taken before the system, brought in as they were published."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.errors import DomainError, Messages
from decisions.models import (
    ArchivedRecord,
    Decision,
    DecisionEvent,
    DecisionType,
    PublishedDocument,
)
from decisions.selectors.integrity import audit_everything
from decisions.services.archive import archived_decision_import
from tests.archive_folder import bad_rows, good_rows, pdf_bytes, write_folder
from tests.factories import approved_decision, complete_draft

pytestmark = pytest.mark.django_db


def run(folder, *args, user):
    out = io.StringIO()
    try:
        call_command("import_archive", str(folder), "--user", user.username, *args, stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
        out.write(str(error))
    return code, out.getvalue()


def counts() -> dict[str, int]:
    """Rows of every table an import writes, and of their histories."""
    from decisions.selectors.integrity import audited_models

    found = {model.__name__: model.objects.count() for model in audited_models()}
    found |= {f"history {m.__name__}": m.history.count() for m in audited_models()}
    found["events"] = DecisionEvent.objects.count()
    found["published documents"] = PublishedDocument.objects.count()
    return found


def fields(**overrides):
    row = good_rows()[0]
    return {
        "reference": row["reference"],
        "title": row["title"],
        "date_signed": dt.date.fromisoformat(row["date_signed"]),
        "date_published": dt.date.fromisoformat(row["date_published"]),
        "decision_by": row["decision_by"],
        "summary": row["summary"],
        "recommendations": row["recommendations"],
        "document_bytes": pdf_bytes("PCD 1760"),
        "document_name": "pcd-1760.pdf",
        "source_url": row["source_url"],
    } | overrides


def test_a_folder_imports_good_rows_and_reports_each_bad_one(tmp_path, records_manager):
    today = timezone.localdate()
    folder = write_folder(tmp_path / "archive", good_rows() + bad_rows(today))
    code, out = run(folder, user=records_manager)

    assert code == 1  # some rows were refused
    imported = {d.reference for d in Decision.objects.filter(archived_record__isnull=False)}
    assert imported == {row["reference"] for row in good_rows()}
    for number, row in enumerate(good_rows(), start=2):
        assert f"Row {number}: {row['reference']}: imported" in out
    first_bad = 2 + len(good_rows())
    refusals = [
        (
            "PD 1599",
            Messages.ARCHIVE_UNKNOWN_SERIES.format(reference="PD 1599", codes="PCD or CEOD"),
        ),
        ("PCD 1761", "The title begins with PCD 1762 but the reference is PCD 1761"),
        ("PCD 1763", Messages.ARCHIVE_DATE_FUTURE.format(label="date signed")),
        ("PCD 1764", Messages.ARCHIVE_DOCUMENT_MISSING.format(name="not-there.pdf")),
        ("PCD 1765", Messages.ARCHIVE_DOCUMENT_NOT_PDF.format(name="notes.pdf")),
    ]
    for number, (reference, reason) in enumerate(refusals, start=first_bad):
        assert f"Row {number}: {reference}: not imported: {reason}" in out
    assert "10 rows: 5 imported, 0 already there (unchanged), 5 refused." in out
    assert not Decision.objects.filter(reference_number__in=[1599, 1761, 1763, 1764, 1765]).exists()
    assert audit_everything().intact


def test_each_record_is_kept_as_published(tmp_path, records_manager):
    folder = write_folder(tmp_path / "archive", good_rows())
    run(folder, user=records_manager)
    for row in good_rows():
        code, number = row["reference"].split()
        decision = Decision.objects.get(decision_type__code=code, reference_number=int(number))
        archive = decision.archived_record
        assert decision.state == "approved"
        assert decision.title == row["title"]
        assert archive.decision_by == row["decision_by"]
        assert str(archive.date_signed or "") == row["date_signed"]
        assert str(archive.date_published or "") == row["date_published"]
        assert archive.source_url == row["source_url"]
        expected = [p for p in row["recommendations"].split("\n\n") if p]
        assert [r.text for r in decision.recommendations.all()] == expected
        # Listed by the day signed, or the day published when that is all there is.
        listed = archive.date_signed or archive.date_published
        assert timezone.localtime(decision.approved_at).date() == listed
        if row["document"]:
            content = (folder / row["document"]).read_bytes()
            document = decision.published_document
            assert document.file.read() == content
            assert document.size_bytes == archive.document_size == len(content)
            assert document.sha256 == archive.document_sha256 == hashlib.sha256(content).hexdigest()
        else:
            assert not PublishedDocument.objects.filter(decision=decision).exists()
        assert list(decision.events.values_list("action", flat=True)) == ["import"]
        assert not decision.sign_offs.exists() and not decision.sections.exists()


def test_a_dry_run_changes_nothing_and_says_what_would_happen(tmp_path, records_manager):
    folder = write_folder(tmp_path / "archive", good_rows() + bad_rows(timezone.localdate()))
    before = counts()
    code, out = run(folder, "--dry-run", user=records_manager)
    assert counts() == before
    assert code == 1
    assert "Row 2: PCD 1760: would be imported" in out
    assert "Row 7: PD 1599: not imported" in out
    summary = "Dry run, nothing changed: 10 rows, 5 would be imported, 0 already there, 5 refused."
    assert summary in out
    assert not list(tmp_path.joinpath("media").rglob("*.pdf"))  # no file stored either


def test_importing_the_same_folder_again_changes_nothing(tmp_path, records_manager):
    folder = write_folder(tmp_path / "archive", good_rows())
    assert run(folder, user=records_manager)[0] == 0
    after_first = counts()
    code, out = run(folder, user=records_manager)
    assert code == 0
    assert counts() == after_first
    assert "5 rows: 0 imported, 5 already there (unchanged), 0 refused." in out
    code, out = run(folder, "--dry-run", user=records_manager)
    assert "Row 2: PCD 1760: unchanged" in out and counts() == after_first


def test_the_same_reference_with_different_content_is_refused(records_manager):
    archived_decision_import(user=records_manager, **fields())
    with pytest.raises(DomainError) as error:
        archived_decision_import(user=records_manager, **fields(decision_by="Someone else"))
    assert error.value.template == Messages.ARCHIVE_CONFLICT
    assert "Decision by" in error.value.message
    with pytest.raises(DomainError) as error:
        archived_decision_import(user=records_manager, **fields(document_bytes=pdf_bytes("Other")))
    assert "signed original PDF" in error.value.message
    assert ArchivedRecord.objects.count() == 1


def test_a_reference_of_a_decision_made_in_the_system_is_refused(officer, records_manager):
    decision = approved_decision(user=officer, number=1760)
    assert decision.reference == "PCD 1760"
    with pytest.raises(DomainError) as error:
        archived_decision_import(user=records_manager, **fields())
    assert error.value.template == Messages.ARCHIVE_NOT_ARCHIVED


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"reference": "PD 1599"}, Messages.ARCHIVE_UNKNOWN_SERIES, "reference"),
        ({"reference": "PCD1760"}, Messages.ARCHIVE_REFERENCE_FORMAT, "reference"),
        ({"reference": "PCD  1760"}, Messages.ARCHIVE_REFERENCE_FORMAT, "reference"),
        ({"reference": "pcd 1760"}, Messages.ARCHIVE_REFERENCE_FORMAT, "reference"),
        ({"reference": "PCD 0"}, Messages.ARCHIVE_REFERENCE_FORMAT, "reference"),
        ({"title": "PCD 1761 Grants"}, Messages.ARCHIVE_TITLE_REFERENCE, "title"),
        ({"title": "DMPC Decision – PCD 1761"}, Messages.ARCHIVE_TITLE_REFERENCE, "title"),
        ({"title": "CEOD 12 Office move"}, Messages.ARCHIVE_TITLE_REFERENCE, "title"),
        ({"title": ""}, Messages.TEXT_REQUIRED, "title"),
        ({"decision_by": "  "}, Messages.TEXT_REQUIRED, "decision_by"),
        ({"date_signed": None, "date_published": None}, Messages.ARCHIVE_DATE_REQUIRED,
         "date_signed"),
        ({"date_published": dt.date(2025, 1, 13)}, Messages.ARCHIVE_DATE_ORDER, "date_published"),
        ({"document_bytes": b"<html>not a pdf</html>"}, Messages.ARCHIVE_DOCUMENT_NOT_PDF,
         "document"),
        ({"document_bytes": None}, Messages.ARCHIVE_DOCUMENT_MISSING, "document"),
        ({"source_url": "javascript:alert(1)"}, Messages.ARCHIVE_SOURCE_URL, "source_url"),
        ({"summary": "<script>x</script>"}, Messages.HTML_NOT_ALLOWED, "summary"),
    ],
)  # fmt: skip
def test_each_rule_is_refused_with_its_message(records_manager, overrides, message, field):
    with pytest.raises(DomainError) as error:
        archived_decision_import(user=records_manager, **fields(**overrides))
    assert (error.value.template, error.value.field) == (message, field)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("which", ["date_signed", "date_published"])
def test_a_date_in_the_future_is_refused(records_manager, which):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    overrides = {which: tomorrow}
    if which == "date_signed":
        overrides["date_published"] = tomorrow
    with pytest.raises(DomainError) as error:
        archived_decision_import(user=records_manager, **fields(**overrides))
    assert (error.value.template, error.value.field) == (Messages.ARCHIVE_DATE_FUTURE, which)


@pytest.mark.parametrize(
    "title",
    ["PCD 1760 – Grants to community projects", "PCD1760 Grants", "Phase 2 of the grants",
     "Archived 1", "CCTV 24 hours a day", "Amendment to PCD 1406"],
)  # fmt: skip
def test_a_title_may_begin_with_its_own_reference_or_any_other_words(records_manager, title):
    outcome = archived_decision_import(user=records_manager, **fields(title=title))
    assert outcome.status == "imported"


def test_only_a_records_manager_imports(officer, reviewers):
    for user in (officer, reviewers.head, reviewers.dmpc):
        with pytest.raises(DomainError) as error:
            archived_decision_import(user=user, **fields())
        assert error.value.template == Messages.ROLE_REQUIRED
    assert not Decision.objects.exists()


def test_the_command_refuses_a_user_who_is_not_a_records_manager(tmp_path, officer):
    folder = write_folder(tmp_path / "archive", good_rows())
    code, out = run(folder, user=officer)
    assert code == 2 and "is not a records manager" in out
    assert not Decision.objects.exists()


def test_a_folder_without_a_manifest_is_refused(tmp_path, records_manager):
    (tmp_path / "empty").mkdir()
    code, out = run(tmp_path / "empty", user=records_manager)
    assert code == 2 and "There is no manifest.csv" in out


def test_a_file_outside_the_folder_is_never_read(tmp_path, records_manager):
    (tmp_path / "secret.pdf").write_bytes(pdf_bytes("secret"))
    row = good_rows()[2] | {"document": "../secret.pdf"}
    folder = write_folder(tmp_path / "archive", [row])
    code, out = run(folder, user=records_manager)
    assert code == 1 and "There is no file called ../secret.pdf in the folder." in out


def test_the_series_continues_after_the_highest_imported_number(tmp_path, officer, records_manager):
    pcd = DecisionType.objects.get(code="PCD")
    before = pcd.last_number
    folder = write_folder(tmp_path / "archive", good_rows())
    run(folder, user=records_manager)
    pcd.refresh_from_db()
    assert pcd.last_number == max(before, 1760)
    assert DecisionType.objects.get(code="CEOD").last_number >= 12
    from tests.factories import submitted_decision

    decision = submitted_decision(user=officer, decision=complete_draft(user=officer))
    assert decision.reference == "PCD 1761"


def test_progress_is_shown_for_long_runs(tmp_path, records_manager, monkeypatch):
    from decisions.management.commands import import_archive

    monkeypatch.setattr(import_archive, "PROGRESS_EVERY", 2)
    folder = write_folder(tmp_path / "archive", good_rows())
    _, out = run(folder, user=records_manager)
    assert "… 2 of 5 rows read" in out and "… 4 of 5 rows read" in out


def test_the_audit_covers_the_archived_fields(tmp_path, records_manager):
    """Changing an archived field or the PDF hash by SQL breaks the seals."""
    folder = write_folder(tmp_path / "archive", good_rows())
    run(folder, user=records_manager)
    assert audit_everything().intact
    ArchivedRecord.objects.filter(decision__reference_number=412).update(
        decision_by="Someone Else, Deputy Mayor"
    )
    found = {(b.table, b.what) for b in audit_everything().breaks}
    assert ("decisions_archivedrecord", "the archived record (reference, date or content) no "
            "longer matches its seal") in found  # fmt: skip
    assert any("its decision by differs" in what.lower() for _, what in found)
