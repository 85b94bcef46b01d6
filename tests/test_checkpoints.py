"""Published checkpoints of the record (issue 16, part 3): signed, append-only,
taken after each approval; verify_checkpoints proves that today's record extends
a checkpoint kept from before, over HTTP or in-process, and reports a rewritten
event; a decision's inclusion proof verifies."""

import base64
import datetime as dt
import hashlib
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import signing
from core.seals import canonical_json
from core.signing import detached_check
from decisions.models import DecisionEvent, PublishedDocument
from decisions.services import decision_publication_withdraw
from tests.factories import (
    approved_decision,
    deferred_decision,
    imported_decision,
)
from tests.helpers import run_tasks
from transparency import merkle, verification
from transparency.models import Checkpoint, DecisionLeaf, RecordCheck
from transparency.selectors import checkpoint_document
from transparency.services import (
    CheckpointRefused,
    RecordBroken,
    checkpoint_publish,
    record_check,
)

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def imported(officer, records_manager, number, *, days=0):
    return imported_decision(
        user=officer,
        records_manager=records_manager,
        number=number,
        approved_at=NOW - dt.timedelta(days=30 - days),
        title=f"Decision {number}",
    )


def kept(tmp_path, checkpoint: Checkpoint):
    """A checkpoint as someone outside keeps it: the JSON the site served."""
    body = Client().get(f"/transparency/checkpoints/{checkpoint.sequence}.json").content
    path = tmp_path / f"checkpoint-{checkpoint.sequence}.json"
    path.write_bytes(body)
    return path


def verify(*args) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_checkpoints", *map(str, args), stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue()


@pytest.fixture
def over_http(monkeypatch):
    """The site, as verify_checkpoints reaches it over HTTP, is this test's Django."""
    client = Client()
    asked = []

    def get(url):
        assert url.startswith("http://decisions.example/")
        asked.append(url)
        response = client.get(url.removeprefix("http://decisions.example"))
        if response.status_code != 200:
            import urllib.error

            raise urllib.error.HTTPError(
                url, response.status_code, "", {}, io.BytesIO(response.content)
            )
        return response.content

    monkeypatch.setattr(verification, "http_get", get)
    return asked


def owner_sql(table, statement, params=()):
    """As the table's owner (the test connection is a superuser), with its
    append-only trigger off for the moment of the change."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks pending
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            cursor.execute(statement, params)
        finally:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


# --- The "Done when" --------------------------------------------------------------


def test_a_later_checkpoint_extends_an_earlier_one_until_an_old_event_is_rewritten(
    officer, reviewers, records_manager, tmp_path, settings, over_http
):
    settings.SITE_URL = "http://decisions.example"
    first_decision = approved_decision(user=officer, reviewers=reviewers, number=501)
    first = checkpoint_publish()
    held = kept(tmp_path, first)
    events_then = DecisionEvent.objects.count()
    assert (first.events_count, first.decisions_size) == (events_then, 1)

    more = [approved_decision(user=officer, reviewers=reviewers, number=n) for n in (502, 503)]
    second = checkpoint_publish()
    events_now = DecisionEvent.objects.count()
    assert second.events_count == events_now > events_then
    assert second.decisions_size == 3
    assert second.previous_hash == first.hash

    for mode in ([], ["--in-process"]):
        ok, output = verify(held, "--decision", more[1].reference, *mode)
        assert ok, output
        assert f"events {events_then} → {events_now}" in output
        assert "published decisions 1 → 3" in output
        assert f"{more[1].reference} is leaf 2 of 3 in checkpoint 2" in output
    assert any("/transparency/proof.json?from=1&to=2" in url for url in over_http)

    # An attacker who owns the table rewrites the first decision's oldest event,
    # leaving its stored seal as it was.
    oldest = DecisionEvent.objects.filter(decision=first_decision).order_by("pk").first()
    owner_sql(
        "decisions_decisionevent",
        "UPDATE decisions_decisionevent SET comment = %s WHERE id = %s",
        ["Rewritten later", oldest.pk],
    )
    # Inside the deployment every row is recomputed now: found at once.
    ok, output = verify(held, "--in-process")
    assert not ok
    assert "The event log today does not extend checkpoint 1" in output
    # The site's next record check (each checkpoint, and manage.py record_check on a
    # schedule) finds it, keeps what it found and raises the alarm; from then on
    # anyone verifying over HTTP is told where.
    position = DecisionEvent.objects.filter(pk__lt=oldest.pk).count()
    with pytest.raises(RecordBroken, match="event log no longer extends checkpoint 2"):
        record_check()
    assert RecordCheck.objects.latest("pk").events_broken_at == position
    ok, output = verify(held)
    assert not ok
    assert "The event log today does not extend checkpoint 2" in output
    assert f"event log from leaf {position}" in output
    # And no checkpoint is signed over the rewritten log.
    refused = pytest.raises(CheckpointRefused, match="event log no longer extends checkpoint 2")
    with refused, transaction.atomic():
        checkpoint_publish()
    assert Checkpoint.objects.count() == 2


def test_a_removed_event_and_a_rewritten_decision_leaf_are_reported(
    officer, records_manager, tmp_path
):
    for number in (601, 602):
        imported(officer, records_manager, number)
    held = kept(tmp_path, checkpoint_publish())
    imported(officer, records_manager, 603, days=1)
    checkpoint_publish()
    assert verify(held, "--in-process")[0]

    leaf = DecisionLeaf.objects.get(index=0)
    owner_sql(
        "transparency_decisionleaf",
        "UPDATE transparency_decisionleaf SET pdf_sha256 = %s WHERE id = %s",
        ["0" * 64, leaf.pk],
    )
    ok, output = verify(held, "--in-process")
    assert not ok and "The log of published decisions today does not extend" in output


# --- Signatures and the statement ----------------------------------------------------------


def test_the_signature_covers_the_canonical_statement(officer, records_manager, tmp_path):
    imported(officer, records_manager, 701)
    checkpoint = checkpoint_publish()
    document = checkpoint_document(checkpoint)
    signed = canonical_json(document["statement"]).encode()
    assert hashlib.sha256(signed).hexdigest() == document["hash"] == checkpoint.hash
    check = detached_check(signed, base64.b64decode(document["signature"]))
    assert check.valid and check.signer
    assert document["statement"]["events"] == {
        "count": DecisionEvent.objects.count(),
        "head": DecisionEvent.objects.order_by("-pk").first().row_hash,
        "root": checkpoint.events_root,
    }
    # A statement changed after signing (one more published decision claimed) fails,
    # however its hash is recomputed.
    forged = json.loads(json.dumps(document))
    forged["statement"]["decisions"]["size"] += 1
    forged["hash"] = hashlib.sha256(canonical_json(forged["statement"]).encode()).hexdigest()
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    ok, output = verify(path, "--in-process")
    assert not ok and "Your checkpoint 1: the signature is not valid" in output
    # So does a hash that is not the statement's.
    forged = json.loads(json.dumps(document))
    forged["hash"] = "0" * 64
    path.write_text(json.dumps(forged))
    ok, output = verify(path, "--in-process")
    assert not ok and "its hash is not the SHA-256 of its statement" in output


def test_a_signature_by_another_certificate_is_not_trusted(
    officer, records_manager, tmp_path, settings
):
    imported(officer, records_manager, 702)
    held = kept(tmp_path, checkpoint_publish())
    other = tmp_path / "other-root.pem"
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Someone else")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(timezone.now() - dt.timedelta(days=1))
        .not_valid_after(timezone.now() + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    other.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ok, output = verify(held, "--in-process", "--trust-roots", other)
    assert not ok and "the signer is not trusted" in output
    ours = settings.SIGNING_TRUST_ROOTS
    settings.SIGNING_TRUST_ROOTS = str(other)
    ok, output = verify(held, "--in-process")
    assert not ok and "the signer is not trusted" in output
    assert verify(held, "--in-process", "--trust-roots", ours)[0]


def test_a_checkpoint_from_the_site_that_differs_from_the_one_held_is_reported(
    officer, records_manager, tmp_path
):
    imported(officer, records_manager, 703)
    first = checkpoint_publish()
    held = kept(tmp_path, first)
    imported(officer, records_manager, 704, days=1)
    checkpoint_publish()
    owner_sql(
        "transparency_checkpoint",
        "UPDATE transparency_checkpoint SET created_at = created_at + interval '1 hour' "
        "WHERE sequence = 1",
    )
    ok, output = verify(held, "--in-process")
    assert not ok and "The site's checkpoint 1 is not the one you hold" in output


def test_with_chain_every_checkpoint_in_between_is_read_and_checked(
    officer, records_manager, tmp_path, settings, over_http
):
    """The consistency proofs say the trees extend; --chain also says no checkpoint in
    between was rewritten or removed (each signed, each naming the one before)."""
    settings.SITE_URL = "http://decisions.example"
    imported(officer, records_manager, 705)
    held = kept(tmp_path, checkpoint_publish())
    for number in (706, 707):
        imported(officer, records_manager, number, days=number - 705)
        checkpoint_publish()
    ok, output = verify(held, "--chain")
    assert ok, output
    assert "Every checkpoint from 1 to 3 is signed and names the one before it (2 read)" in output
    assert any(url.endswith("/transparency/checkpoints/2.json") for url in over_http)
    # Checkpoint 2 rewritten: the trees still extend, so only --chain finds it.
    owner_sql(
        "transparency_checkpoint",
        "UPDATE transparency_checkpoint SET created_at = created_at + interval '1 hour' "
        "WHERE sequence = 2",
    )
    assert verify(held)[0]
    for mode in ([], ["--in-process"]):
        ok, output = verify(held, "--chain", *mode)
        assert not ok and "Checkpoint 2: the signature is not valid" in output, output
    # Replaced by one the organisation signed again (it holds the key): signed, but
    # checkpoint 3 names the one it replaced.
    replaced = Checkpoint.objects.get(sequence=2)
    replaced.signature = signing.detached_sign(replaced.signed_bytes)
    owner_sql(
        "transparency_checkpoint",
        "UPDATE transparency_checkpoint SET signature = %s WHERE sequence = 2",
        [bytes(replaced.signature)],
    )
    for mode in ([], ["--in-process"]):
        ok, output = verify(held, "--chain", *mode)
        assert not ok and "Checkpoint 3 does not name checkpoint 2" in output, output
    # Removed: the site no longer has it.
    owner_sql("transparency_checkpoint", "DELETE FROM transparency_checkpoint WHERE sequence = 2")
    ok, output = verify(held, "--chain")
    assert not ok and "/transparency/checkpoints/2.json answered 404" in output, output
    ok, output = verify(held, "--chain", "--in-process")
    assert not ok and "This deployment has no checkpoint 2" in output, output


# --- Publishing ----------------------------------------------------------------------------


def test_each_approval_queues_a_checkpoint_and_nothing_new_publishes_none(
    officer, reviewers, records_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as committed:
        approved = approved_decision(user=officer, reviewers=reviewers)
    # Queued once the approval commits, never under its locks; taken by the worker.
    assert DBTaskResult.objects.filter(task_path__endswith="checkpoint_after_approval").count() == 0
    for callback in committed:
        callback()
    assert Checkpoint.objects.count() == 0
    run_tasks()
    [checkpoint] = Checkpoint.objects.all()
    assert checkpoint.decisions_size == 1
    assert DecisionLeaf.objects.get().reference == approved.reference
    # Nothing new: the approval's task (or the scheduler's --if-changed) adds none...
    assert checkpoint_publish(only_if_changed=True) is None
    out = io.StringIO()
    call_command("checkpoint_publish", "--if-changed", stdout=out)
    assert "Nothing new" in out.getvalue()
    # ...but the daily run always does: it attests that nothing was rewritten since.
    call_command("checkpoint_publish", stdout=out)
    assert Checkpoint.objects.count() == 2
    assert "Checkpoint 2 published" in out.getvalue()


def test_the_log_of_decisions_is_in_publication_order_and_keeps_withdrawn_decisions(
    officer, reviewers, records_manager
):
    today = timezone.localdate()
    early = imported(officer, records_manager, 801)
    deferred = deferred_decision(user=officer, until=today + dt.timedelta(days=10))
    deferred = approved_decision(user=officer, reviewers=reviewers, decision=deferred)
    later = imported(officer, records_manager, 850, days=5)
    first = checkpoint_publish()
    # The deferred decision is not public yet: not a leaf.
    assert list(DecisionLeaf.objects.values_list("reference", flat=True)) == [
        early.reference,
        later.reference,
    ]
    assert first.decisions_size == 2
    decision_publication_withdraw(user=records_manager, decision=early, reason="In error.")
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        second = checkpoint_publish()
    # Withdrawn: still leaf 0 (the log is of what was published); the deferred
    # decision joined when its deferral ended, after those already in.
    assert list(DecisionLeaf.objects.values_list("reference", flat=True)) == [
        early.reference,
        later.reference,
        deferred.reference,
    ]
    assert second.decisions_size == 3
    leaf = DecisionLeaf.objects.get(decision=deferred)
    document = PublishedDocument.objects.get(decision=deferred)
    approval = DecisionEvent.objects.filter(decision=deferred, to_state="approved").get()
    assert (leaf.pdf_sha256, leaf.content_digest) == (document.sha256, approval.content_digest)
    # A withdrawn decision has no public inclusion proof.
    assert Client().get(f"/decisions/{early.slug}/inclusion.json").status_code == 404


def test_checkpoints_and_the_log_of_decisions_are_append_only(officer, records_manager):
    imported(officer, records_manager, 901)
    checkpoint_publish()
    for statement in (
        "UPDATE transparency_checkpoint SET events_count = events_count + 1",
        "DELETE FROM transparency_checkpoint",
        "UPDATE transparency_decisionleaf SET reference = 'PCD 1'",
        "DELETE FROM transparency_decisionleaf",
        "UPDATE transparency_treenode SET position = position + 1000",
        "DELETE FROM transparency_treenode",
        "UPDATE transparency_recordcheck SET events_broken_at = 1",
        "DELETE FROM transparency_recordcheck",
    ):
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


# --- Inclusion ----------------------------------------------------------------------------


def test_a_published_decisions_inclusion_proof_verifies_against_the_latest_root(
    officer, records_manager, client
):
    decisions = [imported(officer, records_manager, 1000 + n, days=n) for n in range(5)]
    checkpoint = checkpoint_publish()
    for index, decision in enumerate(decisions):
        response = client.get(f"/decisions/{decision.slug}/inclusion.json")
        assert response.status_code == 200
        proof = response.json()
        assert proof["leaf_index"] == index and proof["tree_size"] == 5
        assert proof["leaf"]["reference"] == decision.reference
        assert proof["checkpoint"]["statement"]["sequence"] == checkpoint.sequence
        leaf = merkle.leaf_hash(canonical_json(proof["leaf"]).encode())
        merkle.inclusion_verify(
            leaf=leaf,
            index=index,
            size=5,
            proof=[bytes.fromhex(p) for p in proof["audit_path"]],
            root_hash=bytes.fromhex(checkpoint.decisions_root),
        )
    # The decision's page links to it from "Check this document".
    page = client.get(f"/decisions/{decisions[0].slug}/").content.decode()
    assert f'href="/decisions/{decisions[0].slug}/inclusion.json"' in page
    assert 'href="/transparency/"' in page


def test_a_decision_published_after_the_latest_checkpoint_says_so(officer, records_manager, client):
    imported(officer, records_manager, 1101)
    checkpoint_publish()
    newer = imported(officer, records_manager, 1102, days=1)
    response = client.get(f"/decisions/{newer.slug}/inclusion.json")
    assert response.status_code == 404
    assert "is not in a checkpoint yet" in response.json()["error"]
    ok, output = verify_latest_with_decision(newer.reference)
    assert not ok and f"No published decision {newer.slug} is in checkpoint 1" in output


def verify_latest_with_decision(reference):
    latest = Checkpoint.objects.order_by("-sequence").first()
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(checkpoint_document(latest), file)
    return verify(file.name, "--in-process", "--decision", reference)


def test_verify_checkpoints_reads_a_url_and_refuses_what_is_not_a_checkpoint(
    officer, records_manager, tmp_path, settings, over_http
):
    settings.SITE_URL = "http://decisions.example"
    imported(officer, records_manager, 1501)
    checkpoint_publish()
    ok, output = verify("http://decisions.example/transparency/checkpoints/1.json")
    assert ok, output
    ok, output = verify("http://decisions.example/transparency/checkpoints/7.json")
    assert not ok and "answered 404. There is no checkpoint 7." in output
    ok, output = verify(tmp_path / "missing.json")
    assert not ok and "There is no file" in output
    (tmp_path / "not.json").write_text("{}")
    ok, output = verify(tmp_path / "not.json")
    assert not ok and "is not a checkpoint" in output
    ok, output = verify("http://decisions.example/transparency.json", "--decision", "nonsense")
    assert not ok and "is not a decision reference" in output
