"""Approval renders the PDF before it locks anything (issue 12): what it then stores
is what the record shows, content changed in between is refused, and an approval
never commits without its PDF."""

import hashlib
import shutil
import subprocess

import psycopg
import pydyf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import DomainError, Messages
from decisions import pdf
from decisions.models import Decision, DecisionEvent, Paragraph, PublishedDocument, SignOff
from decisions.services import decision_approve
from decisions.services import workflow as workflow_services
from decisions.services.events import EVENT_CHAIN
from decisions.workflow import State
from governance.models import OfficeHolder
from tests.factories import awaiting_approval_decision, reviewers_create

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "approved.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _after_render(monkeypatch, change):
    """Run `change` once the approval has rendered its PDF, before it locks the row."""
    real = workflow_services.approval_pdf_render

    def render_then_change(**kwargs):
        rendered = real(**kwargs)
        change()
        return rendered

    monkeypatch.setattr(workflow_services, "approval_pdf_render", render_then_change)


def _renders(monkeypatch) -> list[str]:
    """The HTML of every PDF rendered from now on (still really rendered)."""
    seen = []
    real = pdf.html_to_pdf

    def recording(html: str) -> bytes:
        seen.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", recording)
    return seen


def _nothing_approved(decision: Decision) -> None:
    decision.refresh_from_db()
    assert decision.state == State.AWAITING_APPROVAL and decision.approved_at is None
    assert not decision.sign_offs.filter(role="dmpc").exists()
    assert not DecisionEvent.objects.filter(decision=decision, action="approve").exists()
    assert not PublishedDocument.objects.filter(decision=decision).exists()


@pytest.mark.django_db
def test_content_changed_after_the_render_is_not_approved(officer, monkeypatch):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    paragraph = Paragraph.objects.filter(section__decision=decision).order_by("pk").first()
    # Nothing in the product edits a decision awaiting approval: this stands for any
    # change that gets past that (another process, a fault) while the PDF renders.
    _after_render(
        monkeypatch,
        lambda: Paragraph.objects.filter(pk=paragraph.pk).update(text="Changed while rendering."),
    )
    with pytest.raises(DomainError) as refused:
        decision_approve(user=reviewers.dmpc, decision=decision)
    assert refused.value.template == Messages.APPROVAL_CONTENT_CHANGED
    assert decision.reference in refused.value.message
    _nothing_approved(decision)


@needs_poppler
@pytest.mark.django_db
def test_a_record_that_renders_differently_under_the_lock_is_rendered_again(
    officer, monkeypatch, tmp_path
):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    term = OfficeHolder.objects.get(user=reviewers.dmpc, role="dmpc")
    corrected = f"{term.title} (acting)"
    # The content is the same, but the title printed with the signature changes
    # between the render and the lock: the stored PDF must show the stored title.
    _after_render(
        monkeypatch, lambda: OfficeHolder.objects.filter(pk=term.pk).update(title=corrected)
    )
    renders = _renders(monkeypatch)
    decision = decision_approve(user=reviewers.dmpc, decision=decision)
    sign_off = decision.sign_offs.get(role="dmpc")
    assert sign_off.signer_title == corrected
    assert len(renders) == 2 and renders[0] != renders[1]
    document = PublishedDocument.objects.get(decision=decision)
    text = pdf_text(document.file.read(), tmp_path)
    assert f"Signature: {sign_off.signer_name}, {corrected}" in text


@pytest.mark.django_db
def test_unchanged_the_pdf_rendered_before_the_lock_is_the_one_stored(officer, monkeypatch):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    renders = _renders(monkeypatch)
    decision = decision_approve(user=reviewers.dmpc, decision=decision)
    assert len(renders) == 1
    document = PublishedDocument.objects.get(decision=decision)
    assert document.file.read() == pdf.html_to_pdf(renders[0])


@pytest.mark.django_db
def test_a_failure_storing_the_pdf_undoes_the_whole_approval(officer, monkeypatch):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(PublishedDocument, "save", disk_full)
    with pytest.raises(OSError, match="No space left"):
        decision_approve(user=reviewers.dmpc, decision=decision)
    _nothing_approved(decision)


@needs_poppler
@pytest.mark.django_db
def test_the_pdf_signature_block_is_the_stored_sign_off(officer, tmp_path):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    term = OfficeHolder.objects.get(user=reviewers.dmpc, role="dmpc")
    decision = decision_approve(user=reviewers.dmpc, decision=decision, interests="None.")
    sign_off = SignOff.objects.get(decision=decision, role="dmpc")
    # Name and title of the office holder, the time fixed before rendering.
    assert (sign_off.signer_name, sign_off.signer_title) == (term.name, term.title)
    assert sign_off.signed_at == decision.approved_at
    text = pdf_text(PublishedDocument.objects.get(decision=decision).file.read(), tmp_path)
    assert f"Signature: {term.name}, {term.title}" in text
    assert f"Date: {timezone.localtime(sign_off.signed_at):%d/%m/%Y}" in text


@pytest.mark.django_db
def test_approval_query_count(officer, django_assert_max_num_queries):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    # A ceiling, not an exact count: the search index, history rows and events it
    # writes belong to other parts, whose counts may move a little. Half of these run
    # before the row is locked (reading and rendering the PDF); the content is read
    # once under the lock (test below) instead of once per section per digest. The
    # search row (decisions_decisionsearch) is written with update_or_create: 4 more;
    # dropping the cached pages and PDFs of the decision and its links
    # (core/page_cache.py, tokens in the database cache under test): 11 more.
    with django_assert_max_num_queries(96):
        decision_approve(user=reviewers.dmpc, decision=decision)


@pytest.mark.django_db
def test_the_content_is_read_once_under_the_lock(officer):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    with CaptureQueriesContext(connection) as queries:
        decision_approve(user=reviewers.dmpc, decision=decision)
    sql = [q["sql"] for q in queries.captured_queries]
    locked_from = next(i for i, s in enumerate(sql) if "FOR UPDATE" in s)
    under_lock = sql[locked_from:]
    paragraphs = [s for s in under_lock if 'FROM "decisions_paragraph"' in s]
    # Once for the digests and the PDF check, once more by the search index.
    assert len(paragraphs) <= 2, paragraphs


def _other_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
def test_the_pdf_is_rendered_while_nothing_is_locked(officer, monkeypatch):
    reviewers = reviewers_create()
    decision = awaiting_approval_decision(user=officer, reviewers=reviewers)
    # The key core.seals.chain_lock takes for the event chain.
    chain_key = int.from_bytes(
        hashlib.sha256(f"chain:{EVENT_CHAIN}".encode()).digest()[:8], "big", signed=True
    )
    seen = []
    real = pdf.html_to_pdf

    def render_and_look(html: str) -> bytes:
        # From another connection, as another request would: neither the decision
        # row nor the event chain may be held while the renderer works.
        with _other_connection() as other, other.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT 1 FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT",
                    [decision.pk],
                )
                row_free = True
            except psycopg.errors.LockNotAvailable:
                row_free = False
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [chain_key])
            seen.append((row_free, cursor.fetchone()[0]))
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", render_and_look)
    decision = decision_approve(user=reviewers.dmpc, decision=decision)
    assert decision.state == State.APPROVED
    assert seen == [(True, True)]
    assert PublishedDocument.objects.filter(decision=decision).exists()


def test_page_references_are_those_pydyf_builds():
    document = pydyf.PDF()
    for _ in range(5):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in document.pages["Kids"][::3])
        assert document.page_references == expected
