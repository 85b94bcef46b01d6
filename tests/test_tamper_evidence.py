"""A tamper-evident record (issue 11, What to build 2): each way of rewriting the
record by SQL or on disk is named by `manage.py verify_audit` (table, row or file),
shows on the history page, and a published page whose content is no longer what
was signed is withheld (503) with a security alert."""

import hashlib
import hmac
import io
import itertools
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from decisions.digest import decision_content, decision_content_digest
from decisions.models import Decision, DecisionEvent, Paragraph, SignOff
from decisions.services import appendix_add, paragraph_add
from tests.backends import stored_remove, stored_replace
from tests.factories import approved_decision, complete_draft
from tests.helpers import page_text

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NUMBER = 4711
PAGE = f"/decisions/pcd-{NUMBER}/"


@pytest.fixture
def approved(officer, reviewers):
    draft = complete_draft(user=officer, title="Sealed decision")
    paragraph_add(user=officer, decision=draft, section_kind=2, text="The grant runs a year.")
    upload = SimpleUploadedFile("paper.pdf", PDF, "application/pdf")
    appendix_add(user=officer, decision=draft, title="Impact assessment", upload=upload)
    return approved_decision(user=officer, decision=draft, reviewers=reviewers, number=NUMBER)


def verify() -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def event_sql(statement: str, params=()) -> None:
    """As an attacker who owns the table (the test connection is a superuser): with
    the append-only trigger off for the moment of the change."""
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction: no checks pending
    trigger = "decisions_decisionevent_append_only"
    sql(f"ALTER TABLE decisions_decisionevent DISABLE TRIGGER {trigger}")
    try:
        sql(statement, params)
    finally:
        sql(f"ALTER TABLE decisions_decisionevent ENABLE TRIGGER {trigger}")


def history_text(client, user, decision) -> str:
    client.force_login(user)
    response = client.get(reverse("drafting:history", kwargs={"pk": decision.pk}))
    client.logout()
    return page_text(response)


def alerts(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "security" and '"verify_failed"' in record.getMessage()
    ]


def assert_withheld(client, caplog, url=PAGE):
    caplog.clear()
    response = client.get(url)
    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    text = page_text(response)
    assert f"PCD {NUMBER} cannot be shown at the moment" in text
    assert "Sealed decision" not in text.replace(f"PCD {NUMBER}", "")  # no altered text
    [alert] = alerts(caplog)
    assert alert["outcome"] == "alert" and alert["reference"] == f"PCD {NUMBER}"
    return alert


# --- Intact ----------------------------------------------------------------------------------


def test_an_untouched_record_verifies_with_a_one_line_summary(client, approved):
    ok, output = verify()
    assert ok, output
    events = DecisionEvent.objects.count()
    assert output.strip().count("\n") == 0
    assert output.startswith(f"Audit intact: {events} events, ")
    assert "1 approved decisions, 2 stored files checked" in output
    assert client.get(PAGE).status_code == 200


def test_the_content_digest_is_an_hmac_with_the_key_over_the_signed_content(approved, settings):
    canonical = json.dumps(
        decision_content(approved), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    expected = hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), b"content\n" + canonical.encode(), hashlib.sha256
    ).hexdigest()
    assert decision_content_digest(approved) == expected
    assert all(s.content_digest == expected for s in approved.sign_offs.all())
    # Without the key (a plain SHA-256, or another key) nobody gets the same digest.
    assert hashlib.sha256(canonical.encode()).hexdigest() != expected
    settings.AUDIT_HMAC_KEY = "another-key"
    assert decision_content_digest(approved) != expected


def test_the_signed_content_includes_each_appendix_file_hash(approved):
    [appendix] = approved.appendices.all()
    assert appendix.sha256 == hashlib.sha256(PDF).hexdigest()
    assert [appendix.title, True, appendix.file.name, appendix.sha256] in decision_content(
        approved
    )["appendices"]


def test_events_form_two_chains(officer, reviewers, approved):
    other = approved_decision(user=officer, reviewers=reviewers, title="Another")
    events = list(DecisionEvent.objects.order_by("pk"))
    assert {e.decision_id for e in events} == {approved.pk, other.pk}
    for before, event in itertools.pairwise(events):
        assert event.table_prev_hash == before.row_hash
    for decision in (approved, other):
        own = [e for e in events if e.decision_id == decision.pk]
        assert own[0].decision_prev_hash == ""
        for before, event in itertools.pairwise(own):
            assert event.decision_prev_hash == before.row_hash
    assert len({e.row_hash for e in events}) == len(events)


def test_history_rows_form_a_chain_per_table(approved):
    rows = list(Paragraph.history.order_by("history_id"))
    assert len(rows) >= 2
    assert rows[0].prev_hash == ""
    for before, row in itertools.pairwise(rows):
        assert row.prev_hash == before.row_hash and len(row.row_hash) == 64


def test_the_key_is_required_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k != "AUDIT_HMAC_KEY"}
    env.update(DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY must be set when DEBUG is off" in result.stderr


# --- The event log ---------------------------------------------------------------------------


def test_an_event_comment_changed_is_named(client, reviewers, approved):
    event = approved.events.get(action="clear")
    event_sql("UPDATE decisions_decisionevent SET comment = 'forged' WHERE id = %s", [event.pk])
    ok, output = verify()
    assert not ok
    assert f"decisions_decisionevent {event.pk}: its fields no longer match its seal" in output
    text = history_text(client, reviewers.dmpc, approved)
    assert f"Decision event {event.pk}: its fields no longer match its seal." in text
    assert "The content has not changed since it was approved." not in text


def test_an_event_deleted_is_named_by_the_next_one(client, reviewers, approved):
    events = list(approved.events.order_by("pk"))
    cleared = next(e for e in events if e.action == "clear")
    after = events[events.index(cleared) + 1]
    event_sql("DELETE FROM decisions_decisionevent WHERE id = %s", [cleared.pk])
    ok, output = verify()
    assert not ok
    assert f"decisions_decisionevent {after.pk}: the event before it" in output
    assert "is missing" in output
    text = history_text(client, reviewers.dmpc, approved)
    assert f"Decision event {after.pk}: the event before it" in text


# --- History rows ----------------------------------------------------------------------------


def test_a_history_row_changed_is_named(client, reviewers, approved):
    paragraph = Paragraph.objects.get(section__decision=approved, text__startswith="The grant")
    row = Paragraph.history.filter(id=paragraph.pk).order_by("history_id").first()
    sql(
        "UPDATE decisions_historicalparagraph SET text = 'Rewritten' WHERE history_id = %s",
        [row.history_id],
    )
    ok, output = verify()
    assert not ok
    assert f"decisions_historicalparagraph {row.history_id}: its fields no longer" in output
    text = history_text(client, reviewers.dmpc, approved)
    assert f"Historical paragraph {row.history_id}: its fields no longer match" in text


def test_a_history_row_deleted_breaks_the_table_chain(approved):
    rows = list(Paragraph.history.order_by("history_id"))
    sql("DELETE FROM decisions_historicalparagraph WHERE history_id = %s", [rows[0].history_id])
    ok, output = verify()
    assert not ok
    assert f"decisions_historicalparagraph {rows[1].history_id}: the history row before" in output


# --- Content after approval: withheld --------------------------------------------------------


def test_an_approved_paragraph_changed_is_named_and_the_page_withheld(
    client, reviewers, approved, caplog
):
    paragraph = Paragraph.objects.get(section__decision=approved, text__startswith="The grant")
    sql("UPDATE decisions_paragraph SET text = 'Forged' WHERE id = %s", [paragraph.pk])
    ok, output = verify()
    assert not ok
    assert f"decisions_paragraph {paragraph.pk}: its text differs" in output
    assert "[text]" in output
    assert f"decisions_decision {approved.pk}: its content is not what the" in output
    alert = assert_withheld(client, caplog)
    assert alert["served"] == "page"
    assert "Forged" not in client.get(PAGE).content.decode()
    assert_withheld(client, caplog, PAGE + "pdf/")
    assert_withheld(client, caplog, PAGE + "appendices/1/")
    caplog.clear()
    api = client.get(f"/api/decisions/pcd-{NUMBER}/")
    assert api.status_code == 503 and "Forged" not in api.content.decode()
    assert "cannot be shown" in api.json()["errors"]["detail"][0]
    assert alerts(caplog)[0]["served"] == "api"
    text = history_text(client, reviewers.dmpc, approved)
    assert "The content stored now is not the content that was approved." in text
    assert f"Paragraph {paragraph.pk}: its text differs from its last recorded change." in text


def test_a_signer_name_changed_is_named_and_the_page_withheld(client, approved, caplog):
    sign_off = approved.sign_offs.get(role="dmpc")
    sql("UPDATE decisions_signoff SET signer_name = 'Made Up' WHERE id = %s", [sign_off.pk])
    ok, output = verify()
    assert not ok
    assert f"decisions_signoff {sign_off.pk}: the signature no longer matches its seal" in output
    assert f"decisions_signoff {sign_off.pk}: its signer name differs" in output
    assert_withheld(client, caplog)
    assert "Made Up" not in client.get(PAGE).content.decode()


def test_the_withheld_page_gives_the_site_contact_not_a_made_up_address(
    client, approved, caplog, settings
):
    """The contact on the withheld page is the site identity's (CONTACT_URL, else
    CONTACT_EMAIL), as the footer's is; with neither set, the organisation by name."""
    sql("UPDATE decisions_signoff SET signer_name = 'Made Up' WHERE decision_id = %s",
        [approved.pk])  # fmt: skip
    settings.CONTACT_URL, settings.CONTACT_EMAIL = "", "records@mopac.test"
    assert_withheld(client, caplog)
    html = client.get(PAGE).content.decode()
    body = html[html.index("<main") : html.index("</main>")]
    assert 'href="mailto:records@mopac.test">contact the Mayor&#x27;s Office' in body
    assert "example.org" not in html
    settings.CONTACT_URL = "https://www.example.gov.uk/contact-us"
    body = client.get(PAGE).content.decode()
    assert 'href="https://www.example.gov.uk/contact-us">contact the' in body
    assert "mailto:" not in body.split("<main")[1].split("</main>")[0]
    settings.CONTACT_URL = settings.CONTACT_EMAIL = ""
    text = page_text(client.get(PAGE))
    assert f"contact the {settings.ORGANISATION_NAME} and quote PCD {NUMBER}." in text


def test_approved_at_changed_breaks_the_record_seal(client, approved, caplog):
    document = approved.published_document
    sql(
        "UPDATE decisions_decision SET approved_at = approved_at - interval '1 day' WHERE id = %s",
        [approved.pk],
    )
    ok, output = verify()
    assert not ok
    assert f"decisions_publisheddocument {document.pk}: the published record" in output
    assert_withheld(client, caplog)


def test_a_digest_recomputed_without_the_key_and_written_back_is_named(client, approved, caplog):
    paragraph = Paragraph.objects.get(section__decision=approved, text__startswith="The grant")
    sql("UPDATE decisions_paragraph SET text = 'Forged' WHERE id = %s", [paragraph.pk])
    forged = Decision.objects.get(pk=approved.pk)
    canonical = json.dumps(
        decision_content(forged), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    for candidate in (
        hashlib.sha256(canonical.encode()).hexdigest(),
        hashlib.sha256(b"content\n" + canonical.encode()).hexdigest(),
    ):
        sql("UPDATE decisions_signoff SET content_digest = %s", [candidate])
        ok, output = verify()
        assert not ok
        for sign_off in SignOff.objects.filter(decision=approved):
            assert f"decisions_signoff {sign_off.pk}: the signature no longer matches" in output
        assert f"decisions_decision {approved.pk}: its content is not what" in output
        assert_withheld(client, caplog)


# --- Stored files ----------------------------------------------------------------------------


@pytest.mark.storage
def test_a_pdf_replaced_on_disk_is_named_and_not_served(client, approved, caplog):
    document = approved.published_document
    stored_replace(document.file, b"%PDF-1.7 forged")
    ok, output = verify()
    assert not ok
    assert f"decisions_publisheddocument {document.file.name}: the file's SHA-256" in output
    alert = assert_withheld(client, caplog, PAGE + "pdf/")
    assert alert["served"] == "pdf" and alert["row"] == document.file.name


@pytest.mark.storage
def test_an_appendix_replaced_on_disk_is_named_and_not_served(client, officer, approved, caplog):
    [appendix] = approved.appendices.all()
    stored_replace(appendix.file, b"%PDF-1.7 forged")
    ok, output = verify()
    assert not ok
    assert f"decisions_appendix {appendix.file.name}: the file's SHA-256" in output
    alert = assert_withheld(client, caplog, PAGE + "appendices/1/")
    assert alert["served"] == "appendix"
    # The internal download checks it too.
    client.force_login(officer)
    internal = client.get(
        reverse("drafting:appendix_file", kwargs={"pk": approved.pk, "item": appendix.pk})
    )
    assert internal.status_code == 503


@pytest.mark.storage
def test_a_missing_pdf_is_named(approved):
    document = approved.published_document
    stored_remove(document.file)
    ok, output = verify()
    assert not ok
    assert f"decisions_publisheddocument {document.file.name}: the file is missing" in output


def test_the_demo_verifies(demo):
    ok, output = verify()
    assert ok, output
